//! The measurements: P1 steady-state hooks, P2 tool calls per hook of the seed's scenarios,
//! P3 Compose against docker-compose 1.29, P5 hooks at many related units, P6 incremental
//! build, and the emulator's cost per call as its history grows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use charm_emulator::{Bag, Hook, HookOutcome, ModelDir, RemoteUnitSpec};

use crate::Args;
use crate::sides::{Kind, Paths, Side};
use crate::stats::{Samples, ms, ratio};
use crate::table::{Table, machine};

const ALL: [Kind; 3] = [Kind::Ours, Kind::Reactive, Kind::Ops];

struct Ctx<'a> {
    args: &'a Args,
    paths: Paths,
    work: PathBuf,
    prefix: String,
    next_port: std::cell::Cell<u16>,
}

impl Ctx<'_> {
    fn runs(&self) -> usize {
        if self.args.smoke {
            1
        } else {
            self.args.runs.max(1)
        }
    }

    /// Two host ports for a side: from `--port-base` on, or ports the system says are free.
    fn ports(&self) -> (u16, u16) {
        if self.args.port_base.is_some() {
            let p = self.next_port.get();
            self.next_port.set(p + 2);
            return (p, p + 1);
        }
        let a = std::net::TcpListener::bind("127.0.0.1:0");
        let b = std::net::TcpListener::bind("127.0.0.1:0");
        match (
            a.and_then(|a| a.local_addr()),
            b.and_then(|b| b.local_addr()),
        ) {
            (Ok(a), Ok(b)) => (a.port(), b.port()),
            _ => (15_000, 15_001),
        }
    }

    fn sides(&self, n: usize) -> Result<Vec<Side>, String> {
        ALL.iter()
            .map(|k| Side::new(*k, &self.paths, &self.work, &self.prefix, n, self.ports()))
            .collect()
    }

    fn wants(&self, what: &str) -> bool {
        self.args.only.iter().any(|o| o.eq_ignore_ascii_case(what))
    }
}

fn progress(message: &str) {
    eprintln!("charm-bench: {message}");
}

/// Runs every measurement asked for and returns the report.
pub fn run_all(args: &Args) -> Result<String, String> {
    let source = std::path::absolute(&args.source).map_err(|e| e.to_string())?;
    let abs = |p: &Path| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()));
    let paths = Paths {
        source,
        charm: abs(&args.charm)?,
        emulator: abs(&args.emulator)?,
        reactive_python: args.reactive_python.as_deref().map(abs).transpose()?,
        ops_python: args.ops_python.as_deref().map(abs).transpose()?,
        self_exe: std::env::current_exe().map_err(|e| e.to_string())?,
    };
    let prefix = args
        .prefix
        .clone()
        .unwrap_or_else(|| format!("bench{}", std::process::id()));
    let ctx = Ctx {
        args,
        paths,
        work: abs(&args.work)?.join(&prefix),
        prefix,
        next_port: std::cell::Cell::new(args.port_base.unwrap_or(0)),
    };
    std::fs::create_dir_all(&ctx.work).map_err(|e| e.to_string())?;
    let mut tables = Vec::new();
    let mut cleanup: Vec<Side> = Vec::new();
    let result = (|| -> Result<(), String> {
        if ctx.wants("p1") || ctx.wants("p2") {
            let sides = ctx.sides(1)?;
            let result = p1_p2(&ctx, &sides, &mut tables);
            cleanup.extend(sides);
            result?;
        }
        if ctx.wants("p5") {
            let sides = ctx.sides(5)?;
            let result = p5(&ctx, &sides, &mut tables);
            cleanup.extend(sides);
            result?;
        }
        if ctx.wants("p3") {
            tables.extend(p3(&ctx)?);
        }
        if ctx.wants("emulator") {
            tables.push(emulator(&ctx)?);
        }
        if ctx.wants("p6") && !args.smoke {
            tables.push(p6(&ctx)?);
        }
        Ok(())
    })();
    for side in &cleanup {
        side.cleanup();
    }
    let _ = std::fs::remove_dir_all(&ctx.work);
    result?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {}. Mode: {}. Produced by `{}`.\n",
        machine(),
        if args.smoke {
            "smoke (1 run each: checks the bench works, figures not meaningful)".to_owned()
        } else {
            format!("{} runs per side, sides alternating", ctx.runs())
        },
        args.command
    );
    for t in tables {
        out.push_str(&t.render());
        out.push('\n');
    }
    Ok(out)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "–".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn deploy(side: &Side) -> Result<Vec<HookOutcome>, String> {
    let outs = side.runner().deploy().map_err(|e| e.to_string())?;
    for o in &outs {
        crate::sides::check(side.kind, o)?;
    }
    Ok(outs)
}

/// P1 on freshly deployed units, then P2's scenario on the same units.
fn p1_p2(ctx: &Ctx, sides: &[Side], tables: &mut Vec<Table>) -> Result<(), String> {
    let mut calls: BTreeMap<(String, String), BTreeMap<&'static str, usize>> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    let mut record = |step: &str, kind: Kind, outs: &[HookOutcome]| {
        for o in outs {
            if std::env::var_os("CHARM_BENCH_DEBUG").is_some() {
                let tools: Vec<&str> = o.calls.iter().map(|c| c.tool.as_str()).collect();
                eprintln!(
                    "{} {} {}: {tools:?} {}",
                    kind.key(),
                    step,
                    o.hook.name,
                    o.stderr_text()
                );
            }
            let key = (step.to_owned(), o.hook.name.clone());
            if !order.contains(&key) {
                order.push(key.clone());
            }
            calls
                .entry(key)
                .or_default()
                .insert(kind.key(), o.calls.len());
        }
    };
    for side in sides {
        progress(&format!("deploying {}", side.kind.label()));
        let outs = deploy(side)?;
        record("deploy", side.kind, &outs);
    }
    if ctx.wants("p1") {
        let mut table = Table::new(
            "P1: steady-state hooks (ms per hook, through the emulator)",
            &[
                "hook",
                "side",
                "median",
                "min",
                "max",
                "peak RSS",
                "tool calls",
                "vs charm-core",
            ],
        );
        table.note = "A deployed unit whose config and relations did not change. Each hook \
                      runs as Juju runs it: a process started by the emulator, its hook tools \
                      answered by the same charm-emulator executable for every side. Peak \
                      RSS is the largest process of the hook's tree (the charm or a tool)."
            .to_owned();
        for hook in ["config-changed", "update-status", "leader-settings-changed"] {
            progress(&format!("P1 {hook}"));
            for side in sides {
                side.run(Hook::new(hook))?; // warm-up, not timed
            }
            let mut samples: Vec<Samples> = vec![Samples::default(); sides.len()];
            let mut counts = vec![0; sides.len()];
            for _ in 0..ctx.runs() {
                for (i, side) in sides.iter().enumerate() {
                    let (took, out) = side.run(Hook::new(hook))?;
                    samples[i].push(took);
                    counts[i] = out.calls.len();
                }
            }
            let ours = samples[0].median();
            for (i, side) in sides.iter().enumerate() {
                let rss = side.peak_rss(Hook::new(hook)).ok();
                table.row(vec![
                    hook.to_owned(),
                    side.kind.label().to_owned(),
                    ms(samples[i].median()),
                    ms(samples[i].min()),
                    ms(samples[i].max()),
                    mib(rss),
                    counts[i].to_string(),
                    ratio(samples[i].median(), ours),
                ]);
            }
        }
        tables.push(table);
    }
    if ctx.wants("p2") {
        progress("P2 the seed's scenarios");
        for side in sides {
            let runner = side.runner();
            let new_port = ctx.ports().0;
            let out = runner
                .configure(&[("vote-port".to_owned(), new_port.to_string())], &[])
                .map_err(|e| e.to_string())?;
            crate::sides::check(side.kind, &out)?;
            record("vote-port changed", side.kind, &[out]);
            let redis = RemoteUnitSpec {
                name: "redis/0".to_owned(),
                data: Bag::from([
                    ("host".to_owned(), "10.0.0.5".to_owned()),
                    ("port".to_owned(), "6379".to_owned()),
                ]),
            };
            let (redis_id, outs) = runner
                .relate("redis", "redis", &[redis], &Bag::new())
                .map_err(|e| e.to_string())?;
            record("relate redis (1 unit)", side.kind, &outs);
            let out = side.run(Hook::new("update-status"))?.1;
            record("steady", side.kind, &[out]);
            let database = side.app.replace('-', "_");
            let pg = RemoteUnitSpec {
                name: "postgresql/0".to_owned(),
                data: Bag::from([
                    ("host".to_owned(), "10.0.0.6".to_owned()),
                    ("port".to_owned(), "5432".to_owned()),
                    ("database".to_owned(), database.clone()),
                    ("user".to_owned(), "vote".to_owned()),
                    ("password".to_owned(), "pw".to_owned()),
                    (
                        "master".to_owned(),
                        format!("host=10.0.0.6 port=5432 dbname={database} user=vote password=pw"),
                    ),
                ]),
            };
            let (_, outs) = runner
                .relate("postgres", "postgresql", &[pg], &Bag::new())
                .map_err(|e| e.to_string())?;
            record("relate postgres (1 unit)", side.kind, &outs);
            let out = runner
                .remove_unit(redis_id, "redis/0")
                .map_err(|e| e.to_string())?;
            record("redis unit leaves", side.kind, &[out]);
            let outs = runner.unrelate(redis_id).map_err(|e| e.to_string())?;
            record("redis removed", side.kind, &outs);
        }
        let mut table = Table::new(
            "P2: hook-tool calls per hook of the seed's scenarios",
            &[
                "step",
                "hook",
                ALL[0].label(),
                ALL[1].label(),
                ALL[2].label(),
            ],
        );
        for key in &order {
            let c = &calls[key];
            let cell = |k: Kind| {
                c.get(k.key())
                    .map_or_else(|| "–".to_owned(), usize::to_string)
            };
            table.row(vec![
                key.0.clone(),
                key.1.clone(),
                cell(Kind::Ours),
                cell(Kind::Reactive),
                cell(Kind::Ops),
            ]);
        }
        tables.push(table);
    }
    Ok(())
}

/// Adds remote units `redis/<from..to>` to relation `id` directly in the model, as if each
/// had joined earlier: Juju's addresses and a `weight`, no host or port (so no side renders
/// them: the measurement is the hook's, not Docker's).
fn grow(dir: &ModelDir, id: u64, from: usize, to: usize) -> Result<(), String> {
    // The units there already are not read: only the new units' files are written.
    dir.transact_units(&[], |emu| {
        let rel = emu
            .model_mut()
            .relations
            .get_mut(&id)
            .ok_or_else(|| charm_emulator::Error::invalid("no relation"))?;
        for n in from..to {
            let mut data = charm_emulator::default_unit_relation_data(&format!(
                "10.2.{}.{}",
                n / 250,
                n % 250
            ));
            data.insert("weight".to_owned(), "0".to_owned());
            rel.remote_units.insert(
                format!("redis/{n}"),
                charm_emulator::RemoteUnit {
                    data,
                    departing: false,
                },
            );
        }
        Ok(())
    })
    .map_err(|e| e.to_string())
}

fn p5(ctx: &Ctx, sides: &[Side], tables: &mut Vec<Table>) -> Result<(), String> {
    let mut ids = Vec::new();
    for side in sides {
        progress(&format!("P5: deploying {}", side.kind.label()));
        deploy(side)?;
        let redis = RemoteUnitSpec {
            name: "redis/0".to_owned(),
            data: Bag::from([
                ("host".to_owned(), "10.0.0.5".to_owned()),
                ("port".to_owned(), "6379".to_owned()),
            ]),
        };
        let (id, outs) = side
            .runner()
            .relate("redis", "redis", &[redis], &Bag::new())
            .map_err(|e| e.to_string())?;
        for o in &outs {
            crate::sides::check(side.kind, o)?;
        }
        ids.push(id);
    }
    let mut sizes = ctx.args.units.clone();
    sizes.sort_unstable();
    sizes.dedup();
    if ctx.args.smoke {
        sizes.retain(|n| *n <= 10);
    }
    let mut table = Table::new(
        "P5: hooks at N related units (ms per hook, through the emulator)",
        &[
            "units",
            "hook",
            "side",
            "median",
            "min",
            "max",
            "tool calls",
            "vs 1 unit",
            "vs charm-core",
        ],
    );
    table.note = "One redis relation of N units, added in one transaction of the emulator's \
                  model API (one file per unit). `config-changed` reads no relation data; \
                  `redis-relation-changed` is run for one unit whose data changed (a key no \
                  side renders). A Python side that reads every unit's data in a hook (about \
                  N tool calls, each a process) is run once at 1,000 units and not at \
                  10,000. charm-core's snapshot of the N units is taken by an upgrade-charm \
                  before the timed runs."
        .to_owned();
    let mut first: BTreeMap<(usize, &str), Option<Duration>> = BTreeMap::new();
    // Sides whose hook read every unit at the last size (more than 100 calls): run once at
    // 1,000 units and not beyond (each call reads the emulator's N-unit relation).
    let mut heavy: BTreeMap<(usize, &str), bool> = BTreeMap::new();
    let mut have = 1;
    for &n in &sizes {
        for (i, side) in sides.iter().enumerate() {
            grow(&side.dir, ids[i], have, n)?;
            if side.kind == Kind::Ours && n > have {
                // The unit's snapshot, as joined/changed hooks would have built it.
                progress(&format!(
                    "P5: {} units, charm-core snapshot (upgrade-charm)",
                    n
                ));
                side.run(Hook::new("upgrade-charm"))?;
            }
        }
        have = have.max(n);
        let changed_unit = format!("redis/{}", n.saturating_sub(1));
        for hook in ["config-changed", "redis-relation-changed"] {
            progress(&format!("P5: {n} units, {hook}"));
            let mut samples: Vec<Samples> = vec![Samples::default(); sides.len()];
            let mut counts = vec![None; sides.len()];
            let relation_hook = hook != "config-changed";
            for r in 0..ctx.runs() {
                for (i, side) in sides.iter().enumerate() {
                    let reads_all = side.kind != Kind::Ours
                        && (relation_hook || heavy.get(&(i, hook)).copied().unwrap_or(false));
                    if reads_all && (n > 1_000 || (n == 1_000 && r > 0)) {
                        continue;
                    }
                    let mut h = Hook::new(hook);
                    if relation_hook {
                        let unit = changed_unit.clone();
                        // Only the changed unit is read and written: setting up a run
                        // costs the same at 10,000 units.
                        side.dir
                            .transact_units(&[unit.as_str()], |emu| {
                                if let Some(u) = emu
                                    .model_mut()
                                    .relations
                                    .get_mut(&ids[i])
                                    .and_then(|rel| rel.remote_units.get_mut(&unit))
                                {
                                    u.data.insert("weight".to_owned(), (r + 1).to_string());
                                }
                                Ok(())
                            })
                            .map_err(|e| e.to_string())?;
                        h = h
                            .with_relation(ids[i])
                            .with_remote_unit(changed_unit.clone());
                    }
                    let (took, out) = side.run(h)?;
                    samples[i].push(took);
                    counts[i] = Some(out.calls.len());
                }
            }
            for (i, side) in sides.iter().enumerate() {
                let median = samples[i].median();
                if n == sizes[0] {
                    first.insert((i, hook), median);
                }
                let base = first.get(&(i, hook)).copied().flatten();
                if let Some(c) = counts[i] {
                    heavy.insert((i, hook), c > 100);
                }
                table.row(vec![
                    n.to_string(),
                    hook.to_owned(),
                    side.kind.label().to_owned(),
                    ms(median),
                    ms(samples[i].min()),
                    ms(samples[i].max()),
                    counts[i].map_or_else(|| "not run".to_owned(), |c| c.to_string()),
                    ratio(median, base),
                    ratio(median, samples[0].median()),
                ]);
            }
        }
    }
    tables.push(table);
    Ok(())
}

const COMPOSE_FILE: &str = r#"version: "2"
services:
  vote:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports: ["127.0.0.1:PORT_VOTE:80"]
    depends_on: [redis]
    environment: [GENERATION=GEN]
  redis:
    image: charm-test/redis
    init: true
  worker:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    depends_on: [redis, db]
  db:
    image: charm-test/busybox
    command: sleep 3600
    init: true
  result:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports: ["127.0.0.1:PORT_RESULT:80"]
    depends_on: [db]
"#;

/// P3: charm-docker's `up` against docker-compose 1.29's `up -d` on the seed's five
/// services, each on its own project, and the floor of a no-op converge: one list call.
fn p3(ctx: &Ctx) -> Result<Vec<Table>, String> {
    use charm_docker::{ComposeFile, DownOptions, Engine, Project};
    let compose = ctx
        .args
        .compose
        .clone()
        .ok_or("P3 needs --compose (scripts/venv-compose.sh)")?;
    let dir = ctx.work.join("p3");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let ours_name = format!("{}-p3ours", ctx.prefix);
    let theirs_name = format!("{}-p3theirs", ctx.prefix);
    let (ours_ports, theirs_ports) = (ctx.ports(), ctx.ports());
    let ours_path = dir.join("ours.yml");
    let theirs_path = dir.join("theirs.yml");
    let write = |generation: usize| -> Result<(), String> {
        for (path, (a, b)) in [(&ours_path, ours_ports), (&theirs_path, theirs_ports)] {
            let text = COMPOSE_FILE
                .replace("PORT_VOTE", &a.to_string())
                .replace("PORT_RESULT", &b.to_string())
                .replace("GEN", &generation.to_string());
            std::fs::write(path, text).map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    let project = || -> Result<Project, String> {
        let file = ComposeFile::from_path(&ours_path).map_err(|e| e.to_string())?;
        Project::new(&ours_name, &dir, file).map_err(|e| e.to_string())
    };
    let theirs = |args: &[&str]| -> Result<(), String> {
        let out = Command::new(&compose)
            .arg("-f")
            .arg(&theirs_path)
            .args(["-p", &theirs_name])
            .args(args)
            .output()
            .map_err(|e| format!("{}: {e}", compose.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "docker-compose {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let ours_up = || -> Result<bool, String> {
        let engine = Engine::connect().map_err(|e| e.to_string())?;
        let report = engine
            .up(&project()?, &mut |_| {})
            .map_err(|e| e.to_string())?;
        Ok(report.changed())
    };
    let down = || -> Result<(), String> {
        let engine = Engine::connect().map_err(|e| e.to_string())?;
        engine
            .down(&project()?, DownOptions { volumes: true })
            .map_err(|e| e.to_string())?;
        theirs(&["down", "-v"])
    };
    let result = (|| -> Result<Vec<Table>, String> {
        let slow_runs = if ctx.args.smoke { 1 } else { 3 };
        let mut first = [Samples::default(), Samples::default()];
        let mut generation = 0;
        write(generation)?;
        for _ in 0..slow_runs {
            progress("P3 first up");
            down()?;
            let t = Instant::now();
            ours_up()?;
            first[0].push(t.elapsed());
            let t = Instant::now();
            theirs(&["up", "-d"])?;
            first[1].push(t.elapsed());
        }
        progress("P3 no-op converge");
        let mut noop = [Samples::default(), Samples::default(), Samples::default()];
        for _ in 0..ctx.runs() {
            let t = Instant::now();
            if ours_up()? {
                return Err("a no-op up changed something".to_owned());
            }
            noop[0].push(t.elapsed());
            let t = Instant::now();
            theirs(&["up", "-d"])?;
            noop[1].push(t.elapsed());
            let t = Instant::now();
            let engine = Engine::connect().map_err(|e| e.to_string())?;
            engine.ps(&project()?).map_err(|e| e.to_string())?;
            noop[2].push(t.elapsed());
        }
        progress("P3 one-service change");
        let mut change = [Samples::default(), Samples::default()];
        for _ in 0..slow_runs {
            generation += 1;
            write(generation)?;
            let t = Instant::now();
            if !ours_up()? {
                return Err("a one-service change changed nothing".to_owned());
            }
            change[0].push(t.elapsed());
            let t = Instant::now();
            theirs(&["up", "-d"])?;
            change[1].push(t.elapsed());
        }
        let mut table = Table::new(
            "P3: the five services: charm-docker against docker-compose 1.29 (ms)",
            &[
                "measurement",
                "side",
                "median",
                "min",
                "max",
                "vs charm-docker",
            ],
        );
        table.note = "Each charm-docker run pays what a hook pays: a new client (connection, \
                      version negotiation) and the full convergence check. The floor of a \
                      no-op converge is one list call (a new client and the project's \
                      containers listed)."
            .to_owned();
        let rows: [(&str, &str, &Samples, &Samples); 6] = [
            ("first up", "charm-docker", &first[0], &first[0]),
            ("first up", "docker-compose 1.29.2", &first[1], &first[0]),
            ("no-op converge", "charm-docker", &noop[0], &noop[0]),
            (
                "no-op converge",
                "docker-compose 1.29.2",
                &noop[1],
                &noop[0],
            ),
            (
                "no-op converge",
                "one list call (floor)",
                &noop[2],
                &noop[0],
            ),
            (
                "one service changed",
                "charm-docker",
                &change[0],
                &change[0],
            ),
        ];
        for (m, side, s, base) in rows {
            table.row(vec![
                m.to_owned(),
                side.to_owned(),
                ms(s.median()),
                ms(s.min()),
                ms(s.max()),
                ratio(s.median(), base.median()),
            ]);
        }
        table.row(vec![
            "one service changed".to_owned(),
            "docker-compose 1.29.2".to_owned(),
            ms(change[1].median()),
            ms(change[1].min()),
            ms(change[1].max()),
            ratio(change[1].median(), change[0].median()),
        ]);
        Ok(vec![table])
    })();
    if let Err(e) = down() {
        eprintln!("charm-bench: P3 cleanup: {e}");
    }
    result
}

/// The emulator's cost per hook-tool call with 0, 1,000 and 10,000 hooks in the model's
/// history (each hook: four calls, two log lines, a status).
fn emulator(ctx: &Ctx) -> Result<Table, String> {
    use charm_emulator::{HookRecord, InitOptions, LogRecord, LogSource, Status, ToolCall};
    let mut table = Table::new(
        "The emulator: cost per hook-tool call as the model's history grows (ms per call)",
        &[
            "hooks in history",
            "tool",
            "median",
            "min",
            "max",
            "vs a new model",
        ],
    );
    table.note = "One `charm-emulator` process per call, as a hook runs them. The model's \
                  records (calls, logs, hooks, statuses) are appended to `history/*.jsonl` \
                  and never read by a call."
        .to_owned();
    let mut base: BTreeMap<&str, Option<Duration>> = BTreeMap::new();
    let mut sizes = ctx.args.history.clone();
    if ctx.args.smoke {
        sizes.retain(|n| *n <= 1_000);
    }
    for (k, &hooks) in sizes.iter().enumerate() {
        progress(&format!("emulator: {hooks} hooks of history"));
        let root = ctx.work.join(format!("emulator{k}"));
        let dir = ModelDir::init(&InitOptions {
            model_dir: root.clone(),
            charm_dir: ctx.paths.source.join("voting-app"),
            unit: format!("{}-emu/0", ctx.prefix),
            leader: true,
            tool_executable: ctx.paths.emulator.clone(),
        })
        .map_err(|e| e.to_string())?;
        let mut model = dir.load().map_err(|e| e.to_string())?;
        for h in 0..hooks {
            let context = format!("{}-config-changed-{h}", model.unit);
            for (tool, args) in [
                ("config-get", vec!["--all", "--format=json"]),
                ("status-set", vec!["active", "Ready to vote!"]),
                ("juju-log", vec!["-l", "INFO", "converged"]),
                ("opened-ports", vec!["--format=json"]),
            ] {
                model.calls.push(ToolCall {
                    context: context.clone(),
                    tool: tool.to_owned(),
                    args: args.iter().map(|a| (*a).to_owned()).collect(),
                    exit_code: 0,
                });
            }
            for message in ["converged", "dispatch: [0] converge"] {
                model.logs.push(LogRecord {
                    time: "2026-01-01T00:00:00Z".to_owned(),
                    context: context.clone(),
                    level: "INFO".to_owned(),
                    message: message.to_owned(),
                    source: LogSource::JujuLog,
                });
            }
            model
                .unit_status_history
                .push(Status::new("active", "Ready to vote!"));
            model.hooks.push(HookRecord {
                context,
                dispatch_path: "hooks/config-changed".to_owned(),
                exit_code: 0,
                committed: true,
                time: "2026-01-01T00:00:00Z".to_owned(),
            });
        }
        dir.save(&model).map_err(|e| e.to_string())?;
        let ctx_id = dir
            .transact(|emu| Ok(emu.open_context(Hook::new("config-changed"))?.id))
            .map_err(|e| e.to_string())?;
        let bin = dir.bin_dir();
        for (tool, args) in [
            ("config-get", &["--all", "--format=json"][..]),
            ("status-set", &["active", "Ready to vote!"][..]),
        ] {
            let mut samples = Samples::default();
            for _ in 0..ctx.runs().max(15) {
                let t = Instant::now();
                let out = Command::new(bin.join(tool))
                    .args(args)
                    .env(charm_emulator::MODEL_ENV, &root)
                    .env("JUJU_CONTEXT_ID", ctx_id.as_str())
                    .output()
                    .map_err(|e| e.to_string())?;
                samples.push(t.elapsed());
                if !out.status.success() {
                    return Err(format!("{tool}: {}", String::from_utf8_lossy(&out.stderr)));
                }
            }
            if k == 0 {
                base.insert(tool, samples.median());
            }
            table.row(vec![
                hooks.to_string(),
                tool.to_owned(),
                ms(samples.median()),
                ms(samples.min()),
                ms(samples.max()),
                ratio(samples.median(), base.get(tool).copied().flatten()),
            ]);
        }
        let _ = std::fs::remove_dir_all(&root);
    }
    Ok(table)
}

/// P6: an incremental `cargo build` and `cargo check` of the voting-app after a one-line
/// edit of its handler (the edit, then its revert: two samples each).
fn p6(ctx: &Ctx) -> Result<Table, String> {
    let file = ctx.paths.source.join("voting-app/src/main.rs");
    let original = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let line = r#"None => Ok("Ready to vote!".to_owned()),"#;
    if !original.contains(line) {
        return Err(format!("P6: {} no longer has `{line}`", file.display()));
    }
    let edited = original.replace(line, r#"None => Ok("Ready to vote!!".to_owned()),"#);
    let cargo = |sub: &str| -> Result<Duration, String> {
        let t = Instant::now();
        let out = Command::new("cargo")
            .args([sub, "-q", "-p", "voting-app"])
            .current_dir(&ctx.paths.source)
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo {sub}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(t.elapsed())
    };
    // Both start from a built tree.
    cargo("build")?;
    cargo("check")?;
    let mut table = Table::new(
        "P6: incremental build after a one-line edit of a handler (ms)",
        &["command", "median", "min", "max"],
    );
    let result = (|| -> Result<(), String> {
        for sub in ["build", "check"] {
            progress(&format!("P6 cargo {sub}"));
            let mut s = Samples::default();
            for text in [&edited, &original] {
                std::fs::write(&file, text).map_err(|e| e.to_string())?;
                s.push(cargo(sub)?);
            }
            table.row(vec![
                format!("cargo {sub} -p voting-app (dev profile)"),
                ms(s.median()),
                ms(s.min()),
                ms(s.max()),
            ]);
        }
        Ok(())
    })();
    // Whatever happened, the source is left as it was.
    std::fs::write(&file, &original).map_err(|e| e.to_string())?;
    result?;
    Ok(table)
}

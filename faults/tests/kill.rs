//! SIGKILL of the charm at random points of install, config-changed with a port change and
//! relation-changed (at least 200 runs), and at every hook-tool call (each `clone`/`vfork`
//! the charm makes to start a tool) and every rename, with strace's fault injection: the
//! state and rendered files are never corrupt or mixed, and the next hook (Juju retries the
//! failed one) converges ports, relation data, status and file.

mod common;

use std::time::{Duration, Instant};

use charm_emulator::Hook;
use common::*;

/// A value of the greeting that changes each run, with text that needs quoting.
fn greeting(rng: &mut Rng) -> String {
    const PARTS: [&str; 8] = ["hé", "a: b", "#x", "$HOME", "'q'", "\"d\"", "🦀", "- y"];
    (0..1 + rng.below(4))
        .map(|_| PARTS[rng.below(PARTS.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// How long `hook` takes through the emulator, unkilled, on a unit like `f`.
fn duration_of(f: &Faulty, hook: Hook) -> Duration {
    let started = Instant::now();
    ok(&f.unit.runner, hook, "the timing run");
    started.elapsed()
}

/// What a scenario changes before its hook, and the hook.
#[derive(Clone, Copy, Debug)]
enum Scenario {
    Install,
    PortChange,
    RelationChanged,
}

/// One run: prepares the change, runs the hook through `program` (which may kill it), checks
/// that nothing is corrupt or mixed, retries the hook with the real charm and checks that
/// everything converged. Returns whether the hook was killed.
fn run_once(
    f: &mut Faulty,
    scenario: Scenario,
    step: u64,
    rng: &mut Rng,
    program: impl FnOnce() -> std::path::PathBuf,
) -> bool {
    let before = f.model().effective_config();
    let old_ask = f
        .relation
        .map(|id| {
            f.model().relations[&id].remote_units[REMOTE]
                .data
                .get("ask")
                .cloned()
        })
        .unwrap_or_default()
        .unwrap_or_default();
    let (hook, new_ask) = match scenario {
        Scenario::Install => (Hook::new("install"), old_ask.clone()),
        Scenario::PortChange => {
            f.set_config("port", &(9000 + step % 500).to_string());
            f.set_config("greeting", &greeting(rng));
            (Hook::new("config-changed"), old_ask.clone())
        }
        Scenario::RelationChanged => {
            let ask = format!("ask{step} {}", greeting(rng));
            f.set_ask(&ask);
            (f.relation_changed(), ask)
        }
    };
    let after = f.model().effective_config();
    let program = program();
    let out = f.runner_with(&program).run(hook.clone()).unwrap();
    let killed = !out.success();
    let when = format!("{scenario:?} run {step} (killed: {killed})");
    if killed {
        assert_eq!(out.exit_code, 137, "{when}: {}", out.stderr_text());
    }
    // Never corrupt, never mixed: the state parses, the file is one rendering or the other.
    assert_state_intact(f.charm_dir(), &when);
    let file = std::fs::read_to_string(f.charm_dir().join(faults::APP_FILE)).ok();
    let render = |c: &charm_emulator::JsonMap, ask: &str| {
        rendering(
            c["greeting"].as_str().unwrap(),
            c["password"].as_str().unwrap(),
            c["port"].as_i64().unwrap(),
            ask,
        )
    };
    if let Some(file) = &file {
        let whole = [render(&before, &old_ask), render(&after, &new_ask)];
        assert!(
            whole.contains(file) || matches!(scenario, Scenario::Install),
            "{when}: the rendered file is neither the old nor the new rendering:\n{file}"
        );
        if matches!(scenario, Scenario::Install) {
            assert_eq!(file, &whole[1], "{when}: a partial first rendering");
        }
    }
    ok(&f.unit.runner, hook, &format!("{when}: the retry"));
    f.assert_converged(&format!("{when}: after the retry"));
    killed
}

#[test]
fn sigkill_at_random_points_never_corrupts_and_the_next_hook_converges() {
    let mut rng = Rng::seeded();
    let scratch = scratch_dir();
    let mut killed = 0;
    let mut runs = 0;

    // install: a fresh unit each run.
    let install_time = duration_of(&Faulty::fresh(), Hook::new("install"));
    for step in 0..70 {
        let mut f = Faulty::fresh();
        let delay = install_time.mul_f64(rng.below(1000) as f64 / 1000.0);
        killed += run_once(&mut f, Scenario::Install, step, &mut rng, || {
            kill_after(scratch.path(), delay)
        }) as u32;
        runs += 1;
    }

    // config-changed with a port change, then relation-changed: one unit each, a chain of
    // changes (a fresh unit every 35 runs keeps the emulator's history short).
    for scenario in [Scenario::PortChange, Scenario::RelationChanged] {
        let mut f = Faulty::deployed();
        let hook = match scenario {
            Scenario::PortChange => Hook::new("config-changed"),
            _ => f.relation_changed(),
        };
        let time = duration_of(&f, hook);
        for step in 0..70 {
            if step % 35 == 34 {
                f = Faulty::deployed();
            }
            let delay = time.mul_f64(rng.below(1000) as f64 / 1000.0);
            killed += run_once(&mut f, scenario, step, &mut rng, || {
                kill_after(scratch.path(), delay)
            }) as u32;
            runs += 1;
        }
    }
    eprintln!("{runs} runs, {killed} killed before the hook's end");
    assert!(runs >= 200);
    assert!(
        killed >= runs / 2,
        "most runs must be killed mid-hook: {killed} of {runs}"
    );
}

/// The calls of each syscall the charm makes in one unkilled `hook` on a unit like `f`.
fn count(f: &Faulty, hook: Hook, dir: &std::path::Path) -> Vec<(&'static str, usize)> {
    const CALLS: [&str; 7] = [
        "clone",
        "clone3",
        "vfork",
        "fork",
        "rename",
        "renameat",
        "renameat2",
    ];
    let log = dir.join("strace.log");
    let wrapper = count_syscalls(dir, &CALLS.join(","), &log);
    ok(&f.runner_with(&wrapper), hook, "the counting run");
    let text = std::fs::read_to_string(&log).unwrap();
    CALLS
        .iter()
        .map(|c| {
            let n = text
                .lines()
                .filter(|l| l.starts_with(&format!("{c}(")))
                .count();
            (*c, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[test]
fn sigkill_at_every_tool_call_and_rename_never_corrupts_and_the_next_hook_converges() {
    require_strace();
    let mut rng = Rng::seeded();
    let scratch = scratch_dir();
    let mut points = 0u64;
    let mut killed = 0u64;
    for scenario in [
        Scenario::Install,
        Scenario::PortChange,
        Scenario::RelationChanged,
    ] {
        let probe = match scenario {
            Scenario::Install => Faulty::fresh(),
            _ => Faulty::deployed(),
        };
        let hook = match scenario {
            Scenario::Install => Hook::new("install"),
            Scenario::PortChange => {
                probe.set_config("port", "7999");
                Hook::new("config-changed")
            }
            Scenario::RelationChanged => {
                probe.set_ask("counted");
                probe.relation_changed()
            }
        };
        let calls = count(&probe, hook, scratch.path());
        eprintln!("{scenario:?}: {calls:?}");
        assert!(
            calls.iter().any(|(c, _)| c.starts_with("rename")),
            "{scenario:?} renames something: {calls:?}"
        );
        let mut f = match scenario {
            Scenario::Install => Faulty::fresh(),
            _ => Faulty::deployed(),
        };
        for (syscall, n) in calls {
            for at in 1..=n {
                if !matches!(scenario, Scenario::Install) && points % 30 == 29 {
                    f = Faulty::deployed();
                }
                if matches!(scenario, Scenario::Install) {
                    f = Faulty::fresh();
                }
                killed += run_once(&mut f, scenario, points, &mut rng, || {
                    kill_at_syscall(scratch.path(), syscall, at)
                }) as u64;
                points += 1;
            }
        }
    }
    eprintln!("{points} kill points, {killed} killed");
    assert!(killed * 10 >= points * 9, "{killed} of {points} killed");
}

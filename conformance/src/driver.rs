//! Runs a scenario on each side and compares what happened, hook by hook.
//!
//! Both sides get the same world through the same emulator: the Python charm as a black box
//! through `charm_emulator::Runner` (processes, the emulator's hook-tool executables), the
//! Rust charm in process through `charm_testing::Harness` (the same tool semantics, called
//! in process). The steps map one to one: `relate` is `Runner::relate` / `Harness::relate`
//! (created, then joined and changed per unit, each unit with the addresses Juju publishes),
//! `change` is `set_relation_data` / `change_unit_data`, `add_unit`, `remove_unit`,
//! `unrelate`, and `config` sets typed values then runs `config-changed`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use charm_emulator::{DataOwner, Hook, HookOutcome, InitOptions, ModelDir, RemoteUnitSpec, Runner};

use crate::scenario::{Scenario, Step};

/// The unit both sides run.
pub const UNIT: &str = "conformance/0";

/// What one hook did, on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookResult {
    /// The hook's name.
    pub hook: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// The scenario's handlers invoked, in order.
    pub invoked: Vec<String>,
    /// The flags persisted after it (the scenario's own and the framework's).
    pub flags: Vec<String>,
    /// Why it failed (stderr or the error).
    pub error: String,
}

impl HookResult {
    /// One line for a report.
    pub fn show(&self) -> String {
        format!(
            "{} {}: ran [{}], flags [{}]",
            self.hook,
            if self.ok { "ok" } else { "FAILED" },
            self.invoked.join(" "),
            self.flags.join(" ")
        )
    }
}

fn default_data(data: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut bag = charm_emulator::default_unit_relation_data(charm_emulator::LOOPBACK);
    bag.extend(data.clone());
    bag
}

/// Where the real charms.reactive lives.
#[derive(Debug, Clone)]
pub struct Python {
    /// The venv's interpreter.
    pub interpreter: PathBuf,
    /// The `charm-emulator` executable the hook tools link to.
    pub emulator: PathBuf,
    /// The crate directory (the union metadata.yaml and config.yaml).
    pub source_dir: PathBuf,
}

/// Runs `scenario` through charms.reactive.
pub fn run_python(s: &Scenario, py: &Python) -> Result<Vec<HookResult>, String> {
    let mut tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    if std::env::var_os("CONFORMANCE_KEEP").is_some() {
        // Debugging a scenario: keep the Python charm and its model.
        tmp.disable_cleanup(true);
        eprintln!("{}: kept {}", s.id, tmp.path().display());
    }
    let charm_dir = tmp.path().join("charm");
    let flags_dir = tmp.path().join("flags");
    let log = tmp.path().join("invoked.log");
    for d in [&charm_dir, &flags_dir] {
        std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
    }
    crate::python_gen::write_charm(s, &charm_dir, &py.source_dir, &py.interpreter)
        .map_err(|e| format!("writing the Python charm: {e}"))?;
    if !s.flags.is_empty() || !s.data.is_empty() {
        seed_python_state(s, &charm_dir, &py.interpreter)?;
    }
    let dir = ModelDir::init(&InitOptions {
        model_dir: tmp.path().join("model"),
        charm_dir: charm_dir.clone(),
        unit: UNIT.to_owned(),
        leader: true,
        tool_executable: py.emulator.clone(),
    })
    .map_err(|e| format!("charm-emulator init: {e}"))?;
    let runner = Runner::new(dir)
        .with_env("CONFORMANCE_LOG", log.display().to_string())
        .with_env("CONFORMANCE_FLAGS", flags_dir.display().to_string());
    let mut relations: BTreeMap<String, u64> = BTreeMap::new();
    let mut results = Vec::new();
    for step in &s.steps {
        let outcomes: Vec<HookOutcome> = match step {
            Step::Hook(h) => vec![
                runner
                    .run(Hook::new(h.clone()))
                    .map_err(|e| e.to_string())?,
            ],
            Step::Config(values) => {
                runner
                    .model_dir()
                    .transact(|emu| {
                        for (k, v) in values {
                            emu.model_mut().config_values.insert(k.clone(), v.clone());
                        }
                        Ok(())
                    })
                    .map_err(|e| e.to_string())?;
                vec![
                    runner
                        .run(Hook::new("config-changed"))
                        .map_err(|e| e.to_string())?,
                ]
            }
            Step::Write(path, text) => {
                std::fs::write(charm_dir.join(path), text).map_err(|e| e.to_string())?;
                Vec::new()
            }
            Step::Relate(ep, app, units) => {
                let specs: Vec<RemoteUnitSpec> = units
                    .iter()
                    .map(|(name, data)| RemoteUnitSpec {
                        name: name.clone(),
                        data: data.clone(),
                    })
                    .collect();
                let (id, outs) = runner
                    .relate(ep, app, &specs, &Default::default())
                    .map_err(|e| e.to_string())?;
                relations.insert(ep.clone(), id);
                outs
            }
            Step::Change(ep, unit, data) => {
                let id = relation(&relations, ep)?;
                let data: Vec<(String, String)> = data.clone().into_iter().collect();
                vec![
                    runner
                        .set_relation_data(id, &DataOwner::Unit(unit.clone()), &data)
                        .map_err(|e| e.to_string())?,
                ]
            }
            Step::AddUnit(ep, unit, data) => {
                let id = relation(&relations, ep)?;
                let spec = RemoteUnitSpec {
                    name: unit.clone(),
                    data: data.clone(),
                };
                runner.add_unit(id, &spec).map_err(|e| e.to_string())?
            }
            Step::RemoveUnit(ep, unit) => {
                let id = relation(&relations, ep)?;
                vec![runner.remove_unit(id, unit).map_err(|e| e.to_string())?]
            }
            Step::Unrelate(ep) => {
                let id = relation(&relations, ep)?;
                relations.remove(ep);
                runner.unrelate(id).map_err(|e| e.to_string())?
            }
        };
        for o in outcomes {
            results.push(python_result(s, &o, &log, &flags_dir)?);
        }
    }
    Ok(results)
}

fn relation(relations: &BTreeMap<String, u64>, ep: &str) -> Result<u64, String> {
    relations
        .get(ep)
        .copied()
        .ok_or_else(|| format!("no relation on endpoint {ep} (relate it first)"))
}

fn python_result(
    s: &Scenario,
    o: &HookOutcome,
    log: &Path,
    flags_dir: &Path,
) -> Result<HookResult, String> {
    let context = o.context.as_str();
    let invoked = std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(ctx, _)| *ctx == context)
        .map(|(_, name)| name.to_owned())
        .collect();
    let flags_file = flags_dir.join(format!("{}.json", context.replace('/', "_")));
    let flags: Vec<String> = std::fs::read(&flags_file)
        .map_err(|e| {
            format!(
                "{}: no flags written ({e}); stderr: {}",
                o.hook.dispatch_path(),
                o.stderr_text()
            )
        })
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))?;
    let stderr = o.stderr_text();
    Ok(HookResult {
        hook: o
            .hook
            .dispatch_path()
            .trim_start_matches("hooks/")
            .to_owned(),
        ok: o.success(),
        invoked,
        flags: flags.into_iter().filter(|f| s.owns_flag(f)).collect(),
        error: stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .to_owned(),
    })
}

/// Writes the scenario's starting flags and data with charmhelpers' own `unitdata.Storage`.
fn seed_python_state(s: &Scenario, charm_dir: &Path, python: &Path) -> Result<(), String> {
    let flags: Vec<String> = s.flags.iter().map(|f| s.flag(f)).collect();
    let data: BTreeMap<String, serde_json::Value> = s
        .data
        .iter()
        .map(|(k, v)| (format!("charm.{k}"), v.clone()))
        .collect();
    let script = "import json, sys\n\
from charmhelpers.core import unitdata\n\
kv = unitdata.Storage(sys.argv[1])\n\
for f in json.loads(sys.argv[2]):\n    kv.set('reactive.states.' + f, None)\n\
for k, v in json.loads(sys.argv[3]).items():\n    kv.set(k, v)\n\
kv.flush()\n";
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(charm_dir.join(".unit-state.db"))
        .arg(serde_json::to_string(&flags).unwrap_or_default())
        .arg(serde_json::to_string(&data).unwrap_or_default())
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "seeding the Python unit state: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Runs `scenario` through the Rust bus, in process.
pub fn run_rust(
    s: &Scenario,
    charm: &'static charm_core::Charm,
    source_dir: &Path,
) -> Result<Vec<HookResult>, String> {
    let mut h = charm_testing::Harness::new(charm, source_dir, UNIT).map_err(|e| e.to_string())?;
    std::fs::write(h.charm_dir().join(crate::SCENARIO_FILE), &s.ns).map_err(|e| e.to_string())?;
    let flags: Vec<String> = s.flags.iter().map(|f| s.flag(f)).collect();
    if !flags.is_empty() {
        let refs: Vec<&str> = flags.iter().map(String::as_str).collect();
        h.set_flags(&refs).map_err(|e| e.to_string())?;
    }
    for (k, v) in &s.data {
        h.set_data(k, v).map_err(|e| e.to_string())?;
    }
    let mut relations: BTreeMap<String, u64> = BTreeMap::new();
    let mut results = Vec::new();
    for step in &s.steps {
        let outputs = match step {
            Step::Hook(name) => vec![h.run(name)],
            Step::Config(values) => {
                for (k, v) in values {
                    h.set_config_value(k, v.clone())
                        .map_err(|e| e.to_string())?;
                }
                vec![h.run("config-changed")]
            }
            Step::Write(path, text) => {
                std::fs::write(h.charm_dir().join(path), text).map_err(|e| e.to_string())?;
                Vec::new()
            }
            Step::Relate(ep, app, units) => {
                let bags: Vec<(String, BTreeMap<String, String>)> = units
                    .iter()
                    .map(|(u, d)| (u.clone(), default_data(d)))
                    .collect();
                let pairs: Vec<Vec<(&str, &str)>> = bags
                    .iter()
                    .map(|(_, b)| b.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
                    .collect();
                let refs: Vec<(&str, &[(&str, &str)])> = bags
                    .iter()
                    .zip(&pairs)
                    .map(|((u, _), p)| (u.as_str(), p.as_slice()))
                    .collect();
                let (id, outs) = h
                    .relate(ep.as_str(), app, &refs)
                    .map_err(|e| e.to_string())?;
                relations.insert(ep.clone(), id);
                outs
            }
            Step::Change(ep, unit, data) => {
                let id = relation(&relations, ep)?;
                let pairs: Vec<(&str, &str)> =
                    data.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                vec![h.change_unit_data(id, unit, &pairs)]
            }
            Step::AddUnit(ep, unit, data) => {
                let id = relation(&relations, ep)?;
                let bag = default_data(data);
                let pairs: Vec<(&str, &str)> =
                    bag.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                h.add_unit(id, unit, &pairs)
            }
            Step::RemoveUnit(ep, unit) => {
                let id = relation(&relations, ep)?;
                vec![h.remove_unit(id, unit)]
            }
            Step::Unrelate(ep) => {
                let id = relation(&relations, ep)?;
                relations.remove(ep);
                h.unrelate(id)
            }
        };
        let prefix = format!("{}_", s.ns);
        for o in outputs {
            let invoked = o
                .trace
                .handlers()
                .into_iter()
                .map(|name| name.rsplit("::").next().unwrap_or(name).to_owned())
                .filter(|name| name.starts_with(&prefix))
                .collect();
            results.push(HookResult {
                hook: o.hook.clone(),
                ok: o.result.is_ok(),
                invoked,
                flags: o.flags.iter().filter(|f| s.owns_flag(f)).cloned().collect(),
                error: o.result.err().map(|e| e.to_string()).unwrap_or_default(),
            });
        }
    }
    Ok(results)
}

/// The first difference between two runs, if any.
pub fn compare(python: &[HookResult], rust: &[HookResult]) -> Option<String> {
    if python.len() != rust.len() {
        return Some(format!(
            "{} hooks ran on the Python side, {} on the Rust side",
            python.len(),
            rust.len()
        ));
    }
    for (i, (p, r)) in python.iter().zip(rust).enumerate() {
        let what = if p.hook != r.hook {
            "hook"
        } else if p.ok != r.ok {
            "success"
        } else if p.invoked != r.invoked {
            "handlers invoked"
        } else if p.flags != r.flags {
            "flags persisted"
        } else {
            continue;
        };
        return Some(format!(
            "hook {} differs in {what}:\n      python: {}{}\n      rust:   {}{}",
            i + 1,
            p.show(),
            if p.ok {
                String::new()
            } else {
                format!(" ({})", p.error)
            },
            r.show(),
            if r.ok {
                String::new()
            } else {
                format!(" ({})", r.error)
            },
        ));
    }
    None
}

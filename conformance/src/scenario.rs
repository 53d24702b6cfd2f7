//! Scenarios as data: handlers with conditions and actions, triggers, layers, the unit's
//! starting flags and stored data, and the steps (hooks and changes of the world) to run.
//!
//! One JSON file per scenario in `conformance/scenarios/`, named `NN-name.json`; `sNN` is the
//! scenario's namespace. Flags a scenario names are local (`"a"`) and become `sNN.a` on both
//! sides, so that the scenarios can share one Rust charm; framework flags (`config.*`,
//! `endpoint.*`, `upgrade.*`) are not namespaced.
//!
//! ```json
//! {
//!   "about": "what the scenario shows",
//!   "flags": ["ready"],                      // set before the first hook
//!   "data": {"count": 2},                    // stored before the first hook
//!   "triggers": [{"when": "a", "set": ["b"], "clear": ["c"]}, {"when_not": "a", "set": ["d"]}],
//!   "layers": [{"name": "base", "handlers": [...], "triggers": [...]}],
//!   "handlers": [
//!     {"name": "start",
//!      "if": [["when", "a", "b"], ["when_not", "c"], ["only_once"], ["file", "f.txt"], ["hook", "install"]],
//!      "do": [["set", "c"], ["clear", "a"], ["toggle", "x", false], ["count", "n"],
//!             ["below", "n", 3, [["set", "x"]]], ["changed", "key", {"any": "json"}, [then], [else]],
//!             ["is_set", "c", [then], [else]], ["write", "f.txt", "text"], ["fail"]]}
//!   ],
//!   "steps": [{"hook": "install"}, {"config": {"port": 81}}, {"write": ["f.txt", "text"]},
//!             {"relate": ["db", "pg", {"pg/0": {"host": "h"}}]}, {"change": ["db", "pg/0", {"host": "h2"}]},
//!             {"add_unit": ["db", "pg/1", {}]}, {"remove_unit": ["db", "pg/1"]}, {"unrelate": "db"}]
//! }
//! ```
//!
//! Conditions: `when`/`when_all`, `when_not`/`when_none`, `when_any`, `when_not_all`, `hook`
//! (patterns), `only_once`, `file` (`when_file_changed`), `collect_metrics` and
//! `meter_status_changed` (charms.reactive's restricted-hook decorators; `#[hook(...)]` of that
//! hook in Rust). Their order is the order of the attributes (and of the Python decorators).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// One handler condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `when` / `when_all`.
    All(Vec<String>),
    /// `when_not` / `when_none`.
    None(Vec<String>),
    /// `when_any`.
    Any(Vec<String>),
    /// `when_not_all`.
    NotAll(Vec<String>),
    /// `hook(patterns)`.
    Hook(Vec<String>),
    /// `only_once`.
    OnlyOnce,
    /// `when_file_changed(paths)`.
    File(Vec<String>),
    /// `collect_metrics()` / `meter_status_changed()`: a restricted hook.
    Restricted(String),
}

/// What a handler does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `set_flag`.
    Set(String),
    /// `clear_flag`.
    Clear(String),
    /// `toggle_flag`.
    Toggle(String, bool),
    /// Adds one to a stored counter.
    Count(String),
    /// Runs the actions while a stored counter is below a bound.
    Below(String, i64, Vec<Action>),
    /// `data_changed(key, value)`, then one branch or the other.
    Changed(String, Value, Vec<Action>, Vec<Action>),
    /// `is_flag_set`, then one branch or the other.
    IsSet(String, Vec<Action>, Vec<Action>),
    /// Writes a file of the charm directory.
    Write(String, String),
    /// Fails the handler (so the hook).
    Fail,
}

/// One handler.
#[derive(Debug, Clone, PartialEq)]
pub struct Handler {
    /// Its function name, unique in the scenario.
    pub name: String,
    /// Conditions, in attribute order.
    pub conds: Vec<Cond>,
    /// Its body.
    pub actions: Vec<Action>,
}

/// A trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// The flag that fires it.
    pub flag: String,
    /// Whether it fires when the flag is set (else when cleared).
    pub on_set: bool,
    /// Flags it sets.
    pub set: Vec<String>,
    /// Flags it clears.
    pub clear: Vec<String>,
}

/// A layer of the scenario: registers before the charm's handlers.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Its name, unique in the scenario.
    pub name: String,
    /// Its handlers.
    pub handlers: Vec<Handler>,
    /// Its triggers.
    pub triggers: Vec<Trigger>,
}

/// A change of the world, or a hook.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Runs one hook.
    Hook(String),
    /// Sets typed config values and runs `config-changed`.
    Config(BTreeMap<String, Value>),
    /// Writes a file of the charm directory (no hook runs).
    Write(String, String),
    /// Relates an endpoint to an application with units and their data.
    Relate(String, String, BTreeMap<String, BTreeMap<String, String>>),
    /// Changes one remote unit's data (an empty value deletes a key).
    Change(String, String, BTreeMap<String, String>),
    /// One more remote unit joins.
    AddUnit(String, String, BTreeMap<String, String>),
    /// One remote unit departs.
    RemoveUnit(String, String),
    /// The relation of an endpoint is removed.
    Unrelate(String),
}

/// A whole scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `sNN`: the namespace of its flags and handlers.
    pub ns: String,
    /// The file stem, e.g. `07-trigger-order`.
    pub id: String,
    /// What it shows.
    pub about: String,
    /// Flags set before the first hook (local names).
    pub flags: Vec<String>,
    /// Data stored before the first hook.
    pub data: BTreeMap<String, Value>,
    /// The charm's triggers.
    pub triggers: Vec<Trigger>,
    /// The scenario's layers, in registration order.
    pub layers: Vec<Layer>,
    /// The charm's handlers, in source order.
    pub handlers: Vec<Handler>,
    /// What happens.
    pub steps: Vec<Step>,
}

/// Whether a flag belongs to the framework (not namespaced).
pub fn is_framework_flag(flag: &str) -> bool {
    ["config.", "endpoint.", "upgrade."]
        .iter()
        .any(|p| flag.starts_with(p))
}

impl Scenario {
    /// The flag's name on both sides: `sNN.<flag>` for the scenario's own flags.
    pub fn flag(&self, local: &str) -> String {
        if is_framework_flag(local) {
            local.to_owned()
        } else {
            format!("{}.{local}", self.ns)
        }
    }

    /// A handler's function name on both sides: `sNN_<name>` (layers: `sNN_<layer>_<name>`).
    pub fn handler_fn(&self, layer: Option<&str>, name: &str) -> String {
        match layer {
            Some(layer) => format!("{}_{layer}_{name}", self.ns),
            None => format!("{}_{name}", self.ns),
        }
    }

    /// Whether `flag` (a full name) is one this scenario can see: the framework's or its own.
    pub fn owns_flag(&self, flag: &str) -> bool {
        is_framework_flag(flag) || flag.starts_with(&format!("{}.", self.ns))
    }

    /// Every flag the scenario names, full names, sorted and deduplicated, excluding the
    /// framework's.
    pub fn own_flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |f: &str| {
            if !is_framework_flag(f) {
                out.push(self.flag(f));
            }
        };
        self.flags.iter().for_each(|f| push(f));
        let mut handlers: Vec<&Handler> = self.handlers.iter().collect();
        let mut triggers: Vec<&Trigger> = self.triggers.iter().collect();
        for layer in &self.layers {
            handlers.extend(&layer.handlers);
            triggers.extend(&layer.triggers);
        }
        for t in triggers {
            push(&t.flag);
            t.set.iter().chain(&t.clear).for_each(|f| push(f));
        }
        for h in handlers {
            for c in &h.conds {
                if let Cond::All(f) | Cond::None(f) | Cond::Any(f) | Cond::NotAll(f) = c {
                    f.iter().for_each(|f| push(f));
                }
            }
            action_flags(&h.actions, &mut push);
        }
        out.sort();
        out.dedup();
        out
    }
}

fn action_flags(actions: &[Action], push: &mut impl FnMut(&str)) {
    for a in actions {
        match a {
            Action::Set(f) | Action::Clear(f) | Action::Toggle(f, _) => push(f),
            Action::IsSet(f, then, other) => {
                push(f);
                action_flags(then, push);
                action_flags(other, push);
            }
            Action::Below(_, _, then) => action_flags(then, push),
            Action::Changed(_, _, then, other) => {
                action_flags(then, push);
                action_flags(other, push);
            }
            Action::Count(_) | Action::Write(..) | Action::Fail => {}
        }
    }
}

/// Reads every `*.json` scenario of `dir`, sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut out: Vec<Scenario> = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let scenario = parse(&id, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        if out.iter().any(|s| s.ns == scenario.ns) {
            return Err(format!(
                "{}: namespace {} used twice",
                path.display(),
                scenario.ns
            ));
        }
        out.push(scenario);
    }
    Ok(out)
}

/// Parses one scenario file (`id` is its stem, `NN-name`).
pub fn parse(id: &str, text: &str) -> Result<Scenario, String> {
    let number = id
        .split('-')
        .next()
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| format!("scenario file {id:?} does not start with a number"))?;
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let obj = v.as_object().ok_or("a scenario is a JSON object")?;
    for key in obj.keys() {
        if ![
            "about", "flags", "data", "triggers", "layers", "handlers", "steps",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("unknown key {key:?}"));
        }
    }
    let layers = match obj.get("layers") {
        None => Vec::new(),
        Some(v) => array(v, "layers")?
            .iter()
            .map(|l| {
                let name = string(l.get("name").unwrap_or(&Value::Null), "layer name")?;
                Ok(Layer {
                    handlers: handlers(l.get("handlers"))?,
                    triggers: triggers(l.get("triggers"))?,
                    name: ident(&name)?,
                })
            })
            .collect::<Result<_, String>>()?,
    };
    let scenario = Scenario {
        ns: format!("s{number}"),
        id: id.to_owned(),
        about: obj
            .get("about")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        flags: strings(obj.get("flags").unwrap_or(&Value::Array(vec![])), "flags")?,
        data: obj
            .get("data")
            .map(|d| {
                d.as_object()
                    .map(|m| m.clone().into_iter().collect())
                    .ok_or("`data` is an object")
            })
            .transpose()?
            .unwrap_or_default(),
        triggers: triggers(obj.get("triggers"))?,
        layers,
        handlers: handlers(obj.get("handlers"))?,
        steps: array(obj.get("steps").ok_or("no `steps`")?, "steps")?
            .iter()
            .map(step)
            .collect::<Result<_, _>>()?,
    };
    Ok(scenario)
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("`{what}` is a list"))
}

fn string(v: &Value, what: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{what} is a string, not {v}"))
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, String> {
    array(v, what)?.iter().map(|s| string(s, what)).collect()
}

fn ident(name: &str) -> Result<String, String> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(name.to_owned())
    } else {
        Err(format!("{name:?} is not a lower-case identifier"))
    }
}

fn bag(v: &Value) -> Result<BTreeMap<String, String>, String> {
    v.as_object()
        .ok_or("relation data is an object")?
        .iter()
        .map(|(k, v)| Ok((k.clone(), string(v, "a relation value")?)))
        .collect()
}

fn handlers(v: Option<&Value>) -> Result<Vec<Handler>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    array(v, "handlers")?
        .iter()
        .map(|h| {
            let name = ident(&string(
                h.get("name").unwrap_or(&Value::Null),
                "handler name",
            )?)?;
            let conds = array(h.get("if").ok_or(format!("handler {name}: no `if`"))?, "if")?
                .iter()
                .map(cond)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("handler {name}: {e}"))?;
            let actions = match h.get("do") {
                Some(d) => actions(d).map_err(|e| format!("handler {name}: {e}"))?,
                None => Vec::new(),
            };
            Ok(Handler {
                name,
                conds,
                actions,
            })
        })
        .collect()
}

fn cond(v: &Value) -> Result<Cond, String> {
    let list = array(v, "a condition")?;
    let kind = string(list.first().unwrap_or(&Value::Null), "a condition kind")?;
    let args = list[1..]
        .iter()
        .map(|a| string(a, "a condition argument"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match kind.as_str() {
        "when" | "when_all" => Cond::All(args),
        "when_not" | "when_none" => Cond::None(args),
        "when_any" => Cond::Any(args),
        "when_not_all" => Cond::NotAll(args),
        "hook" => Cond::Hook(args),
        "only_once" => Cond::OnlyOnce,
        "file" => Cond::File(args),
        "collect_metrics" => Cond::Restricted("collect-metrics".into()),
        "meter_status_changed" => Cond::Restricted("meter-status-changed".into()),
        other => return Err(format!("unknown condition {other:?}")),
    })
}

fn actions(v: &Value) -> Result<Vec<Action>, String> {
    array(v, "do")?.iter().map(action).collect()
}

fn action(v: &Value) -> Result<Action, String> {
    let list = array(v, "an action")?;
    let kind = string(list.first().unwrap_or(&Value::Null), "an action kind")?;
    let arg = |i: usize| list.get(i).cloned().unwrap_or(Value::Null);
    let branch = |i: usize| match list.get(i) {
        Some(v) => actions(v),
        None => Ok(Vec::new()),
    };
    Ok(match kind.as_str() {
        "set" => Action::Set(string(&arg(1), "a flag")?),
        "clear" => Action::Clear(string(&arg(1), "a flag")?),
        "toggle" => Action::Toggle(
            string(&arg(1), "a flag")?,
            arg(2).as_bool().ok_or("toggle takes a boolean")?,
        ),
        "count" => Action::Count(ident(&string(&arg(1), "a counter")?)?),
        "below" => Action::Below(
            ident(&string(&arg(1), "a counter")?)?,
            arg(2).as_i64().ok_or("below takes an integer")?,
            branch(3)?,
        ),
        "changed" => Action::Changed(
            ident(&string(&arg(1), "a data key")?)?,
            arg(2),
            branch(3)?,
            branch(4)?,
        ),
        "is_set" => Action::IsSet(string(&arg(1), "a flag")?, branch(2)?, branch(3)?),
        "write" => Action::Write(string(&arg(1), "a path")?, string(&arg(2), "content")?),
        "fail" => Action::Fail,
        other => return Err(format!("unknown action {other:?}")),
    })
}

fn triggers(v: Option<&Value>) -> Result<Vec<Trigger>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    array(v, "triggers")?
        .iter()
        .map(|t| {
            let (flag, on_set) = match (t.get("when"), t.get("when_not")) {
                (Some(f), None) => (string(f, "a trigger flag")?, true),
                (None, Some(f)) => (string(f, "a trigger flag")?, false),
                _ => return Err("a trigger has one of `when` and `when_not`".to_owned()),
            };
            let list = |k: &str| match t.get(k) {
                Some(v) => strings(v, k),
                None => Ok(Vec::new()),
            };
            Ok(Trigger {
                flag,
                on_set,
                set: list("set")?,
                clear: list("clear")?,
            })
        })
        .collect()
}

fn step(v: &Value) -> Result<Step, String> {
    let obj = v
        .as_object()
        .filter(|o| o.len() == 1)
        .ok_or("a step is {kind: args}")?;
    let (kind, args) = obj.iter().next().ok_or("empty step")?;
    let at = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    Ok(match kind.as_str() {
        "hook" => Step::Hook(string(args, "a hook")?),
        "config" => Step::Config(
            args.as_object()
                .ok_or("config takes an object")?
                .clone()
                .into_iter()
                .collect(),
        ),
        "write" => Step::Write(string(&at(0), "a path")?, string(&at(1), "content")?),
        "relate" => {
            let units = at(2)
                .as_object()
                .ok_or("relate: units are an object")?
                .iter()
                .map(|(u, d)| Ok((u.clone(), bag(d)?)))
                .collect::<Result<_, String>>()?;
            Step::Relate(
                string(&at(0), "an endpoint")?,
                string(&at(1), "an app")?,
                units,
            )
        }
        "change" => Step::Change(
            string(&at(0), "an endpoint")?,
            string(&at(1), "a unit")?,
            bag(&at(2))?,
        ),
        "add_unit" => Step::AddUnit(
            string(&at(0), "an endpoint")?,
            string(&at(1), "a unit")?,
            bag(&at(2))?,
        ),
        "remove_unit" => {
            Step::RemoveUnit(string(&at(0), "an endpoint")?, string(&at(1), "a unit")?)
        }
        "unrelate" => Step::Unrelate(string(args, "an endpoint")?),
        other => return Err(format!("unknown step {other:?}")),
    })
}

//! Generates the Python side of one scenario: a reactive charm as `charm build` would leave
//! it, run by charms.reactive 1.5.3's `main()`.
//!
//! - `dispatch` execs `hooks/<name>` (as the `dispatch` of a built reactive charm does), and
//!   every `hooks/<name>` is the hook template of layer-basic: config flags at start and their
//!   clearing at exit registered with charmhelpers' `atstart` / `atexit` before
//!   `charms.reactive` is imported, then `main()`.
//! - `lib/charms/layer/basic.py` reproduces layer-basic's `init_config_states` /
//!   `clear_config_states` (juju-solutions/layer-basic, lib/charms/layer/basic.py): at hook
//!   start `config.changed` and `config.changed.<opt>` for changed options (all of them on
//!   the first hook), `config.set.<opt>` toggled by truthiness, `config.default.<opt>` by
//!   equality with config.yaml's default; at a successful hook's end `config.changed` and the
//!   three families of every option cleared, whoever set them.
//! - `hooks/relations/conformance/{requires,provides,peers}.py`: a bare `Endpoint` subclass,
//!   so charms.reactive manages the `endpoint.<name>.*` flags of the union metadata.
//! - `lib/<ns>_<layer>.py` per layer, imported first by `reactive/charm.py`, so registration
//!   order is the Rust one (layers first, then the charm, in source order).
//!
//! Every handler first appends `<JUJU_CONTEXT_ID> <name>` to `$CONFORMANCE_LOG`; after each
//! hook (failed or not) the flags committed in `.unit-state.db` are written to
//! `$CONFORMANCE_FLAGS/<context>.json`, read with a fresh SQLite connection so an aborted
//! hook shows what charms.reactive persisted, not what it had in flight.

use std::fmt::Write;
use std::path::Path;

use crate::scenario::{Action, Cond, Handler, Scenario, Trigger};

/// Every hook the generated charm implements (a symlink to the hook template each).
pub fn hook_names() -> Vec<String> {
    let mut hooks: Vec<String> = [
        "install",
        "start",
        "stop",
        "remove",
        "config-changed",
        "upgrade-charm",
        "update-status",
        "leader-elected",
        "leader-settings-changed",
        "collect-metrics",
        "meter-status-changed",
        "pre-series-upgrade",
        "post-series-upgrade",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for ep in ["db", "web", "peer"] {
        for kind in ["created", "joined", "changed", "departed", "broken"] {
            hooks.push(format!("{ep}-relation-{kind}"));
        }
    }
    hooks
}

fn py_str(s: &str) -> String {
    // JSON string syntax is valid Python for the plain text scenarios use.
    serde_json::to_string(s).unwrap_or_default()
}

fn py_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| py_str(s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn actions(s: &Scenario, list: &[Action], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    if list.is_empty() {
        let _ = writeln!(out, "{pad}pass");
    }
    for a in list {
        match a {
            Action::Set(f) => {
                let _ = writeln!(out, "{pad}set_flag({})", py_str(&s.flag(f)));
            }
            Action::Clear(f) => {
                let _ = writeln!(out, "{pad}clear_flag({})", py_str(&s.flag(f)));
            }
            Action::Toggle(f, on) => {
                let on = if *on { "True" } else { "False" };
                let _ = writeln!(out, "{pad}toggle_flag({}, {on})", py_str(&s.flag(f)));
            }
            Action::Count(k) => {
                let key = py_str(&format!("charm.{k}"));
                let _ = writeln!(out, "{pad}kv().set({key}, kv().get({key}, 0) + 1)");
            }
            Action::Below(k, n, then) => {
                let key = py_str(&format!("charm.{k}"));
                let _ = writeln!(out, "{pad}if kv().get({key}, 0) < {n}:");
                actions(s, then, indent + 4, out);
            }
            Action::Changed(k, v, then, other) => {
                let _ = writeln!(
                    out,
                    "{pad}if data_changed({}, json.loads({})):",
                    py_str(k),
                    py_str(&v.to_string())
                );
                actions(s, then, indent + 4, out);
                let _ = writeln!(out, "{pad}else:");
                actions(s, other, indent + 4, out);
            }
            Action::IsSet(f, then, other) => {
                let _ = writeln!(out, "{pad}if is_flag_set({}):", py_str(&s.flag(f)));
                actions(s, then, indent + 4, out);
                let _ = writeln!(out, "{pad}else:");
                actions(s, other, indent + 4, out);
            }
            Action::Write(path, text) => {
                let _ = writeln!(
                    out,
                    "{pad}with open({}, 'w') as f:\n{pad}    f.write({})",
                    py_str(path),
                    py_str(text)
                );
            }
            Action::Fail => {
                let _ = writeln!(out, "{pad}raise RuntimeError('scenario failure')");
            }
        }
    }
}

fn handler(s: &Scenario, layer: Option<&str>, h: &Handler, out: &mut String) {
    for c in &h.conds {
        let flags = |f: &[String]| py_list(&f.iter().map(|f| s.flag(f)).collect::<Vec<_>>());
        let line = match c {
            Cond::All(f) => format!("@when({})", flags(f)),
            Cond::None(f) => format!("@when_not({})", flags(f)),
            Cond::Any(f) => format!("@when_any({})", flags(f)),
            Cond::NotAll(f) => format!("@when_not_all({})", flags(f)),
            Cond::Hook(p) => format!("@hook({})", py_list(p)),
            Cond::OnlyOnce => "@only_once".to_owned(),
            Cond::File(p) => format!("@when_file_changed({})", py_list(p)),
            Cond::Restricted(hook) if hook == "collect-metrics" => "@collect_metrics()".into(),
            Cond::Restricted(_) => "@meter_status_changed()".into(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    let name = s.handler_fn(layer, &h.name);
    // `*_args`: charms.reactive passes endpoints to `hook` and `when` handlers that take
    // parameters.
    let _ = writeln!(out, "def {name}(*_args):\n    record({})", py_str(&name));
    actions(s, &h.actions, 4, out);
    out.push_str("\n\n");
}

fn triggers(s: &Scenario, list: &[Trigger], out: &mut String) {
    for t in list {
        let key = if t.on_set { "when" } else { "when_not" };
        for f in &t.set {
            let _ = writeln!(
                out,
                "register_trigger({key}={}, set_flag={})",
                py_str(&s.flag(&t.flag)),
                py_str(&s.flag(f))
            );
        }
        for f in &t.clear {
            let _ = writeln!(
                out,
                "register_trigger({key}={}, clear_flag={})",
                py_str(&s.flag(&t.flag)),
                py_str(&s.flag(f))
            );
        }
    }
}

const IMPORTS: &str = "import json\n\
import os\n\
\n\
from charmhelpers.core.unitdata import kv\n\
from charms.reactive import (\n\
    clear_flag, collect_metrics, data_changed, hook, is_flag_set, meter_status_changed,\n\
    only_once, register_trigger, set_flag, toggle_flag, when, when_any, when_file_changed,\n\
    when_not, when_not_all,\n\
)\n\
\n\
from conformance_support import record\n\n\n";

const SUPPORT: &str = r#"import os


def record(name):
    with open(os.environ["CONFORMANCE_LOG"], "a") as f:
        f.write("%s %s\n" % (os.environ.get("JUJU_CONTEXT_ID", ""), name))
"#;

const BASIC: &str = r#"# layer-basic's config flags, as its lib/charms/layer/basic.py behaves (written for this
# suite; see conformance/src/python_gen.rs).
import os

import yaml


def init_config_states():
    from charmhelpers.core import hookenv
    from charms.reactive import set_flag, toggle_flag

    config = hookenv.config()
    options = {}
    path = os.path.join(hookenv.charm_dir(), "config.yaml")
    if os.path.exists(path):
        with open(path) as f:
            options = (yaml.safe_load(f) or {}).get("options", {}) or {}
    for name, spec in options.items():
        if config.changed(name):
            set_flag("config.changed")
            set_flag("config.changed.%s" % name)
        toggle_flag("config.set.%s" % name, config.get(name))
        toggle_flag("config.default.%s" % name, config.get(name) == spec.get("default"))


def clear_config_states():
    from charmhelpers.core import hookenv, unitdata
    from charms.reactive import clear_flag

    config = hookenv.config()
    clear_flag("config.changed")
    for name in config.keys():
        for family in ("changed", "set", "default"):
            clear_flag("config.%s.%s" % (family, name))
    unitdata.kv().flush()
"#;

const HOOK: &str = r#"
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.getcwd(), "lib"))

from charms.layer import basic  # noqa: E402
from charmhelpers.core import hookenv  # noqa: E402

hookenv.atstart(basic.init_config_states)
hookenv.atexit(basic.clear_config_states)


def dump_committed_flags():
    db = os.path.join(os.getcwd(), ".unit-state.db")
    flags = []
    if os.path.exists(db):
        conn = sqlite3.connect(db)
        try:
            rows = conn.execute("select key from kv where key like 'reactive.states.%'")
            flags = sorted(k[len("reactive.states."):] for (k,) in rows)
        finally:
            conn.close()
    path = os.path.join(os.environ["CONFORMANCE_FLAGS"], os.environ["JUJU_CONTEXT_ID"].replace("/", "_") + ".json")
    with open(path, "w") as f:
        json.dump(flags, f)


try:
    from charms.reactive import main  # noqa: E402

    main()
finally:
    dump_committed_flags()
"#;

const ENDPOINT: &str =
    "from charms.reactive import Endpoint\n\n\nclass Conformance(Endpoint):\n    pass\n";

const DISPATCH: &str = "#!/bin/sh\n# As the dispatch of a built reactive charm: run hooks/<name>.\n\
JUJU_DISPATCH_PATH=\"${JUJU_DISPATCH_PATH:-$0}\" PYTHONPATH=lib exec \"./$JUJU_DISPATCH_PATH\"\n";

/// Writes the charm of `scenario` into `charm_dir` (which exists), with `python` as the
/// interpreter of its hooks and the union metadata / config from `source_dir`.
pub fn write_charm(
    scenario: &Scenario,
    charm_dir: &Path,
    source_dir: &Path,
    python: &Path,
) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let write = |rel: &str, text: &str| -> std::io::Result<()> {
        let path = charm_dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)
    };
    for file in ["metadata.yaml", "config.yaml"] {
        std::fs::copy(source_dir.join(file), charm_dir.join(file))?;
    }
    write("dispatch", DISPATCH)?;
    write("hooks/hook.py", &format!("#!{}\n{HOOK}", python.display()))?;
    for path in ["dispatch", "hooks/hook.py"] {
        std::fs::set_permissions(charm_dir.join(path), std::fs::Permissions::from_mode(0o755))?;
    }
    for hook in hook_names() {
        std::os::unix::fs::symlink("hook.py", charm_dir.join("hooks").join(hook))?;
    }
    write("hooks/relations/__init__.py", "")?;
    write("hooks/relations/conformance/__init__.py", "")?;
    for role in ["requires", "provides", "peers"] {
        write(&format!("hooks/relations/conformance/{role}.py"), ENDPOINT)?;
    }
    write("lib/charms/layer/__init__.py", "")?;
    write("lib/charms/layer/basic.py", BASIC)?;
    write("lib/conformance_support.py", SUPPORT)?;

    let mut charm = String::from(IMPORTS);
    for layer in &scenario.layers {
        let module = format!("{}_{}", scenario.ns, layer.name);
        let mut text = String::from(IMPORTS);
        triggers(scenario, &layer.triggers, &mut text);
        text.push('\n');
        for h in &layer.handlers {
            handler(scenario, Some(&layer.name), h, &mut text);
        }
        write(&format!("lib/{module}.py"), &text)?;
        let _ = writeln!(
            charm,
            "import {module}  # noqa: F401  (a layer: registers first)"
        );
    }
    charm.push('\n');
    triggers(scenario, &scenario.triggers, &mut charm);
    charm.push('\n');
    for h in &scenario.handlers {
        handler(scenario, None, h, &mut charm);
    }
    write("reactive/charm.py", &charm)?;
    Ok(())
}

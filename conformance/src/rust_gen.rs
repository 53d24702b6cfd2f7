//! Generates the Rust side: ONE charm (`#[charm]`) holding the handlers of every scenario,
//! and one `#[layer]` module per scenario layer. Used by build.rs.
//!
//! Why one charm, and how scenarios stay apart: a crate may hold only one `#[charm]`, and one
//! crate per scenario would cost minutes of builds. Gating each handler with a per-scenario
//! flag condition would change the very thing under test (a `#[hook]`, `#[only_once]` or
//! `#[when_file_changed]`-only handler would become a flags-phase handler). So each handler
//! keeps exactly the scenario's conditions, and its body first checks which scenario the
//! unit runs (a `.scenario` file in the charm directory): a handler of another scenario
//! returns at once, changing nothing. Its run is dropped from the comparison (the suite
//! compares only the scenario's own handlers); its flags are namespaced (`sNN.*`) so no
//! trigger or condition of one scenario sees another's.

use std::fmt::Write;

use crate::scenario::{Action, Cond, Handler, Scenario, Trigger};

/// The ONE place that writes a flag argument of Rust code (`unit.flags().set(..)`,
/// `.clear`, `.toggle`, `.is_set`): the generated flag constant, the name
/// upper-cased with every character that is not a letter or digit written `_`.
fn flag_expr(flag: &str) -> String {
    // `endpoint.<ep>.changed.<key>`: through the endpoint's declared key pattern, which
    // holds every key (a constant exists only for the keys of a built-in interface).
    if let Some(rest) = flag.strip_prefix("endpoint.")
        && let Some((ep, key)) = rest.split_once(".changed.")
    {
        let ep: String = ep
            .chars()
            .map(|c| match c.is_ascii_alphanumeric() {
                true => c.to_ascii_uppercase(),
                false => '_',
            })
            .collect();
        return format!("&flags::ENDPOINT_{ep}_CHANGED_KEY.with({key:?})?");
    }
    let name: String = flag
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_uppercase(),
            false => '_',
        })
        .collect();
    format!("flags::{name}")
}

/// A flag method call, e.g. `unit.flags().set(flags::S01_A);`.
fn flag_call(op: &str, flag: &str, on: Option<bool>) -> String {
    let flag = flag_expr(flag);
    match on {
        Some(on) => format!("unit.flags().{op}({flag}, {on});"),
        None => format!("unit.flags().{op}({flag});"),
    }
}

fn str_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn triggers(s: &Scenario, list: &[Trigger]) -> String {
    let mut out = String::new();
    for t in list {
        let key = if t.on_set { "when" } else { "when_not" };
        let _ = write!(out, "trigger({key} = {:?}", s.flag(&t.flag));
        for f in &t.set {
            let _ = write!(out, ", set = {:?}", s.flag(f));
        }
        for f in &t.clear {
            let _ = write!(out, ", clear = {:?}", s.flag(f));
        }
        out.push_str("), ");
    }
    out
}

fn actions(s: &Scenario, list: &[Action], out: &mut String) {
    for a in list {
        match a {
            Action::Set(f) => out.push_str(&flag_call("set", &s.flag(f), None)),
            Action::Clear(f) => out.push_str(&flag_call("clear", &s.flag(f), None)),
            Action::Toggle(f, on) => out.push_str(&flag_call("toggle", &s.flag(f), Some(*on))),
            Action::Count(k) => {
                let _ = write!(
                    out,
                    "{{ let n: i64 = unit.kv().get::<i64>({k:?}).unwrap_or(0) + 1; unit.kv().set({k:?}, n)?; }}"
                );
            }
            Action::Below(k, n, then) => {
                let _ = write!(out, "if unit.kv().get::<i64>({k:?}).unwrap_or(0) < {n} {{");
                actions(s, then, out);
                out.push('}');
            }
            Action::Changed(k, v, then, other) => {
                let _ = write!(
                    out,
                    "if unit.kv().data_changed({k:?}, &super::json({:?}))? {{",
                    v.to_string()
                );
                actions(s, then, out);
                out.push_str("} else {");
                actions(s, other, out);
                out.push('}');
            }
            Action::IsSet(f, then, other) => {
                let _ = write!(out, "if unit.flags().is_set({}) {{", flag_expr(&s.flag(f)));
                actions(s, then, out);
                out.push_str("} else {");
                actions(s, other, out);
                out.push('}');
            }
            Action::Write(path, text) => {
                let _ = write!(out, "super::write(unit, {path:?}, {text:?})?;");
            }
            Action::Fail => out.push_str("super::fail()?;"),
        }
        out.push('\n');
    }
}

fn handler(s: &Scenario, layer: Option<&str>, h: &Handler, out: &mut String) {
    for c in &h.conds {
        let flags = |f: &[String]| str_list(&f.iter().map(|f| s.flag(f)).collect::<Vec<_>>());
        let attr = match c {
            Cond::All(f) => format!("#[when({})]", flags(f)),
            Cond::None(f) => format!("#[when_not({})]", flags(f)),
            Cond::Any(f) => format!("#[when_any({})]", flags(f)),
            Cond::NotAll(f) => format!("#[when_not_all({})]", flags(f)),
            Cond::Hook(p) => format!("#[hook({})]", str_list(p)),
            Cond::OnlyOnce => "#[only_once]".to_owned(),
            Cond::File(p) => format!("#[when_file_changed({})]", str_list(p)),
            Cond::Restricted(hook) => format!("#[hook({hook:?})]"),
        };
        out.push_str(&attr);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "fn {}(unit: &mut Unit) -> Result<()> {{\nif !super::active(unit, {:?}) {{ return Ok(()); }}",
        s.handler_fn(layer, &h.name),
        s.ns
    );
    actions(s, &h.actions, out);
    out.push_str("Ok(())\n}\n\n");
}

/// The whole generated file: layers, then the charm.
/// The flag graph's opt-outs: the scenarios start from flags the driver sets, keep flags no
/// handler reads for the dump to compare, and run cycles on purpose (the runtime's cycle
/// detection is what they test), so none of the graph's checks applies to them.
fn graph_allow(flags: &[String], charm: bool) -> String {
    let list = str_list(flags);
    match (charm, flags.is_empty()) {
        (_, true) => "allow(cycle)".to_owned(),
        (true, false) => format!("allow(never_set({list}), unread({list}), cycle)"),
        (false, false) => format!("allow(never_set({list}), cycle)"),
    }
}

pub fn generate(scenarios: &[Scenario]) -> String {
    let mut out =
        String::from("// Generated by build.rs from conformance/scenarios: do not edit.\n\n");
    let mut layer_paths = Vec::new();
    let mut all_flags: Vec<String> = Vec::new();
    for s in scenarios {
        for l in &s.layers {
            let module = format!("{}_{}", s.ns, l.name);
            let mut flags = Vec::new();
            for h in &l.handlers {
                let mut t = s.clone();
                t.flags.clear();
                t.triggers = l.triggers.clone();
                t.layers.clear();
                t.handlers = vec![h.clone()];
                flags.extend(t.own_flags());
            }
            let mut t = s.clone();
            t.flags.clear();
            t.handlers.clear();
            t.layers.clear();
            t.triggers = l.triggers.clone();
            flags.extend(t.own_flags());
            flags.sort();
            flags.dedup();
            let _ = writeln!(
                out,
                "#[charm_core::layer(flags({}), {}{})]\n#[allow(clippy::all)]\npub mod {module} {{\nuse charm_core::prelude::*;\n",
                str_list(&flags),
                triggers(s, &l.triggers),
                graph_allow(&flags, false)
            );
            all_flags.extend(flags);
            for h in &l.handlers {
                handler(s, Some(&l.name), h, &mut out);
            }
            out.push_str("}\n\n");
            layer_paths.push(format!("super::{module}"));
        }
    }
    let mut flags: Vec<String> = Vec::new();
    let mut trig = String::new();
    for s in scenarios {
        let mut t = s.clone();
        t.layers.clear();
        flags.extend(t.own_flags());
        trig.push_str(&triggers(s, &s.triggers));
    }
    flags.sort();
    flags.dedup();
    let layers = if layer_paths.is_empty() {
        String::new()
    } else {
        format!("layers({}), ", layer_paths.join(", "))
    };
    all_flags.extend(flags.iter().cloned());
    all_flags.sort();
    all_flags.dedup();
    let _ = writeln!(
        out,
        "#[charm_core::charm(metadata = \"metadata.yaml\", config = \"config.yaml\", flags({}), {layers}{trig}{})]\n#[allow(clippy::all)]\npub mod charm {{\nuse charm_core::prelude::*;\n",
        str_list(&flags),
        graph_allow(&all_flags, true)
    );
    for s in scenarios {
        for h in &s.handlers {
            handler(s, None, h, &mut out);
        }
    }
    out.push_str("}\n");
    out
}

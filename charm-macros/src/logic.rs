//! Logic mistakes: conditions that can never hold together once the meaning of the
//! framework's flags is known (the interface and config tables), and triggers that undo
//! themselves.

use syn::LitStr;

use crate::files::OptionType;
use crate::parse::{CondKind, HandlerFn, TriggerArg};
use crate::validate::Known;

/// What one flag being set says about another.
enum Fact {
    /// `a` set means `b` set.
    Implies(String, String, String),
    /// `a` set means `b` not set.
    Excludes(String, String, String),
}

/// The facts the tables imply, with the reason of each.
fn facts(known: &Known) -> Vec<Fact> {
    let mut out = Vec::new();
    for ep in known.endpoints {
        // An interface is available only while its endpoint is connected (charm-core's
        // `interfaces`: `available` / `database.available` are raised on top of
        // `connected`).
        let suffixes =
            crate::validate::interface_suffixes(known.interfaces, &ep.interface, ep.role);
        if suffixes.contains(&"connected") {
            for s in suffixes.iter().filter(|s| s.ends_with("available")) {
                out.push(Fact::Implies(
                    format!("{}.{s}", ep.name),
                    format!("{}.connected", ep.name),
                    format!(
                        "the `{}` interface raises `{s}` only while the endpoint is connected",
                        ep.interface
                    ),
                ));
            }
        }
    }
    for opt in known.config {
        // `config.set.x`: the value is truthy; `config.default.x`: it equals the default
        // (charm-core's `config::flags_for`, as layer-basic).
        let (set, default) = (
            format!("config.set.{}", opt.name),
            format!("config.default.{}", opt.name),
        );
        if default_is_truthy(opt.kind, opt.default.as_deref()) {
            out.push(Fact::Implies(
                default,
                set,
                format!(
                    "the default of `{}` is set (non-empty), so at its default it is set",
                    opt.name
                ),
            ));
        } else {
            out.push(Fact::Excludes(
                default,
                set,
                format!(
                    "the default of `{}` is empty, so at its default it is not set",
                    opt.name
                ),
            ));
        }
    }
    out
}

fn default_is_truthy(kind: OptionType, default: Option<&str>) -> bool {
    let Some(json) = default else { return false };
    match kind {
        OptionType::String | OptionType::Secret => json != "\"\"",
        OptionType::Int | OptionType::Float => json.parse::<f64>().is_ok_and(|f| f != 0.0),
        OptionType::Boolean => json == "true",
    }
}

/// A handler whose `#[when]` and `#[when_not]` contradict what the flags mean.
pub(crate) fn check_implications(known: &Known, handler: &HandlerFn, errors: &mut Vec<syn::Error>) {
    let lits = |k: CondKind| -> Vec<&LitStr> {
        handler
            .conds
            .iter()
            .filter(|c| c.kind == k)
            .flat_map(|c| c.args.iter())
            .collect()
    };
    let required = lits(CondKind::All);
    let forbidden = lits(CondKind::None);
    fn find<'a>(list: &[&'a LitStr], name: &str) -> Option<&'a LitStr> {
        list.iter().find(|l| l.value() == name).copied()
    }
    for fact in facts(known) {
        match fact {
            Fact::Implies(a, b, why) => {
                if find(&required, &a).is_some()
                    && let Some(lit) = find(&forbidden, &b)
                {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "`{a}` (required by `#[when]`) implies `{b}`: {why}; forbidding \
                             `{b}` means this handler can never run; remove `{b}` from \
                             `#[when_not]` (or `{a}` from `#[when]`)"
                        ),
                    ));
                }
            }
            Fact::Excludes(a, b, why) => {
                if find(&required, &a).is_some()
                    && let Some(lit) = find(&required, &b)
                {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "`{a}` and `{b}` are never set together: {why}; requiring both \
                             means this handler can never run; remove one of them"
                        ),
                    ));
                }
            }
        }
    }
}

/// A trigger that clears (or sets) the very flag whose change fires it.
pub(crate) fn check_trigger(trigger: &TriggerArg, errors: &mut Vec<syn::Error>) {
    let when = trigger.when.value();
    let (undo, key, event) = if trigger.on_set {
        (&trigger.clear, "clear", "set")
    } else {
        (&trigger.set, "set", "cleared")
    };
    for lit in undo.iter().filter(|l| l.value() == when) {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "this trigger {key}s `{when}` whenever `{when}` is {event}: it undoes the change \
                 that fires it, so `{when}` could never stay {event}; {key} another flag"
            ),
        ));
    }
    let same = if trigger.on_set {
        &trigger.set
    } else {
        &trigger.clear
    };
    for lit in same.iter().filter(|l| l.value() == when) {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "this trigger {}s `{when}` when `{when}` is {event}: it does nothing; remove it",
                if trigger.on_set { "set" } else { "clear" }
            ),
        ));
    }
}

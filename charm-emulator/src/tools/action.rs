//! `action-get`, `action-set`, `action-fail` and `action-log`: they act on the running action
//! at once (results and logs reach the operator even if the action then fails).

use serde_json::Value;

use super::args::{FORMAT, check_empty, parse};
use super::format::render;
use super::{Call, ToolError};
use crate::model::{ActionRun, ActionStatus, JsonMap};

/// Result keys Juju fills itself.
const RESERVED: [&str; 4] = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];

/// Juju's message when `action-fail` gives none.
const DEFAULT_FAILURE: &str = "action failed without reason given, check action for errors";

fn running_action<'c>(call: &'c mut Call<'_>) -> Result<&'c mut ActionRun, ToolError> {
    let not_running = || ToolError::Failed("not running an action".to_owned());
    let id = call.context.action_id.as_deref().ok_or_else(not_running)?;
    call.model
        .action
        .as_mut()
        .filter(|a| a.id == id)
        .ok_or_else(not_running)
}

/// `action-get [--format] [KEY[.KEY...]]`: the nested parameters, or the value at a dotted
/// path (null when absent).
pub(super) fn action_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    if !p.positional.is_empty() {
        check_empty(&p.positional[1..])?;
    }
    let action = running_action(call)?;
    let mut value = Value::Object(action.params.clone());
    if let Some(path) = p.positional.first() {
        for key in path.split('.') {
            value = value.get(key).cloned().unwrap_or(Value::Null);
        }
    }
    Ok(render(format, &value))
}

/// `action-set KEY[.KEY...]=VALUE...`: dotted keys nest; each part is lowercase letters,
/// digits and hyphens, starting and ending with a letter or digit.
pub(super) fn action_set(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    // jujuc/action-set.go@0cdccd5f Init: no arguments is fine; every dotted segment is
    // checked, against the key syntax and against the reserved keys.
    let p = parse(&[], args)?;
    let mut pairs = Vec::new();
    for arg in &p.positional {
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            ToolError::Usage(format!("argument {arg:?} must be of the form key...=value"))
        })?;
        let path: Vec<&str> = key.split('.').collect();
        for part in &path {
            if !valid_key(part) {
                return Err(ToolError::Usage(format!(
                    "key {part:?} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods"
                )));
            }
        }
        if let Some(reserved) = path.iter().find(|part| RESERVED.contains(part)) {
            return Err(ToolError::Usage(format!(
                "cannot set reserved action key {reserved:?}"
            )));
        }
        pairs.push((
            path.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            value.to_owned(),
        ));
    }
    let action = running_action(call)?;
    for (path, value) in pairs {
        insert_nested(&mut action.results, &path, value);
    }
    Ok(Vec::new())
}

fn valid_key(key: &str) -> bool {
    let ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = key.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            ok(first) && ok(last) && bytes.iter().all(|&b| ok(b) || b == b'-')
        }
        _ => false,
    }
}

fn insert_nested(map: &mut JsonMap, path: &[String], value: String) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = map;
    for part in parents {
        let entry = current
            .entry(part.clone())
            .or_insert_with(|| Value::Object(JsonMap::new()));
        if !entry.is_object() {
            // A later nested key replaces an earlier scalar, as Juju's map merge does.
            *entry = Value::Object(JsonMap::new());
        }
        let Value::Object(next) = entry else {
            return;
        };
        current = next;
    }
    current.insert(last.clone(), Value::String(value));
}

/// `action-fail [MESSAGE]`: marks the action failed; the hook itself still succeeds.
pub(super) fn action_fail(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    let message = p
        .positional
        .first()
        .cloned()
        .unwrap_or_else(|| DEFAULT_FAILURE.to_owned());
    if !p.positional.is_empty() {
        check_empty(&p.positional[1..])?;
    }
    let action = running_action(call)?;
    action.status = ActionStatus::Failed;
    action.message = Some(message);
    Ok(Vec::new())
}

/// `action-log MESSAGE...`: a progress message for the operator.
pub(super) fn action_log(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    if p.positional.is_empty() {
        return Err(ToolError::Usage("no message specified".to_owned()));
    }
    let action = running_action(call)?;
    action.logs.push(p.positional.join(" "));
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for good in ["a", "a-b", "x1", "1"] {
            assert!(valid_key(good), "{good}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a b"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn nesting() {
        let mut m = JsonMap::new();
        insert_nested(&mut m, &["a".into(), "b".into()], "1".into());
        insert_nested(&mut m, &["a".into(), "c".into()], "2".into());
        insert_nested(&mut m, &["d".into()], "3".into());
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"a": {"b": "1", "c": "2"}, "d": "3"})
        );
    }
}

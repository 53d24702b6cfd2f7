//! `is-leader`, `leader-get` and `leader-set` (immediate, leader only).

use serde_json::Value;

use super::args::{FORMAT, check_empty, key_values, parse};
use super::format::render;
use super::{Call, ToolError};

/// `is-leader [--format]`: `true` or `false`.
pub(super) fn is_leader(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    Ok(render(format, &Value::Bool(call.model.leader)))
}

/// `leader-get [--format] [KEY|-]`: all settings, or one value (null when unset).
pub(super) fn leader_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    let key = p.positional.first().filter(|k| *k != "-");
    if let Some(key) = key
        && key.contains('=')
    {
        return Err(ToolError::Usage(format!("invalid key {key:?}")));
    }
    if !p.positional.is_empty() {
        check_empty(&p.positional[1..])?;
    }
    let settings = &call.model.leader_settings;
    let value = match key {
        Some(key) => settings
            .get(key)
            .cloned()
            .map_or(Value::Null, Value::String),
        None => Value::Object(
            settings
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ),
    };
    Ok(render(format, &value))
}

/// `leader-set KEY=VALUE...`: immediate (not rolled back with the hook); an empty value
/// deletes the key. Only the leader may write.
pub(super) fn leader_set(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    let settings = key_values(&p.positional)?;
    if !call.model.leader {
        // jujuc/leader-set.go@0cdccd5f annotates leader.go@2ba9927e's error.
        return Err(ToolError::Failed(
            "cannot write leadership settings: cannot write settings: not the leader".to_owned(),
        ));
    }
    for (k, v) in settings {
        if v.is_empty() {
            call.model.leader_settings.remove(&k);
        } else {
            call.model.leader_settings.insert(k, v);
        }
    }
    Ok(Vec::new())
}

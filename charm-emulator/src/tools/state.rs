//! `state-get`, `state-set` and `state-delete`: charm state kept by the controller, buffered
//! until the hook succeeds (reads in the same hook see the buffered writes, as in Juju).

use serde_json::Value;

use super::args::{FORMAT, Flag, check_empty, key_values, parse};
use super::format::render;
use super::{Call, ToolError, yaml_settings};
use crate::context::overlay;

/// `state-get [--format] [--strict] [KEY|-]`: all state, or one value (`""` when unset;
/// an error with `--strict`).
pub(super) fn state_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT, Flag::boolean("strict")], args)?;
    let format = p.format()?;
    let key = p.positional.first().filter(|k| *k != "-");
    if !p.positional.is_empty() {
        check_empty(&p.positional[1..])?;
    }
    let state = overlay(&call.model.charm_state, &call.context.pending.state);
    let value = match key {
        Some(key) => match state.get(key) {
            Some(v) => Value::String(v.clone()),
            None if p.flag("strict") => {
                return Err(ToolError::Failed(format!("{key:?} not found")));
            }
            // jujuc/state-get.go@67d89ab2: without --strict a missing key prints the empty
            // value, "".
            None => Value::String(String::new()),
        },
        None => Value::Object(
            state
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        ),
    };
    Ok(render(format, &value))
}

/// `state-set [--file PATH|-] KEY=VALUE...`: buffered. Arguments override the file's YAML map.
/// Unlike `relation-set`, an empty value is stored (Juju's `SetCharmStateValue`).
pub(super) fn state_set(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[Flag::value("file")], args)?;
    let overrides = key_values(&p.positional)?;
    let mut settings = match p.value("file") {
        Some(path) => yaml_settings(&call.read_file_arg(path)?)?,
        None => Default::default(),
    };
    settings.extend(overrides);
    for (k, v) in &settings {
        check_quota(k, v)?;
    }
    for (k, v) in settings {
        call.context.pending.state.insert(k, Some(v));
    }
    Ok(Vec::new())
}

/// `state-delete KEY`: buffered.
pub(super) fn state_delete(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    let Some(key) = p.positional.first() else {
        return Err(ToolError::Usage("no key specified".to_owned()));
    };
    check_empty(&p.positional[1..])?;
    call.context.pending.state.insert(key.clone(), None);
    Ok(Vec::new())
}

/// core/quota/fixed_limits.go@f550f91a: `MaxCharmStateKeySize = 256`,
/// `MaxCharmStateValueSize = 64 * 1024`, checked by `SetCharmStateValue`
/// (context/context.go@06bd0f8f) with `quota.CheckTupleSize` (core/quota/kv.go@c30759c5).
pub(crate) const MAX_KEY_SIZE: usize = 256;
/// See [`MAX_KEY_SIZE`].
pub(crate) const MAX_VALUE_SIZE: usize = 64 * 1024;

fn check_quota(key: &str, value: &str) -> Result<(), ToolError> {
    if key.len() > MAX_KEY_SIZE {
        return Err(ToolError::Failed(format!(
            "max allowed key length ({MAX_KEY_SIZE}): quota limit exceeded"
        )));
    }
    if value.len() > MAX_VALUE_SIZE {
        return Err(ToolError::Failed(format!(
            "max allowed value length ({MAX_VALUE_SIZE}): quota limit exceeded"
        )));
    }
    Ok(())
}

//! `config-get`.

use serde_json::Value;

use super::args::{FORMAT, Flag, check_empty, parse};
use super::format::render;
use super::{Call, ToolError};

/// `config-get [--all|-a] [KEY] [--format]`.
///
/// Without a key: every option with a value or default (with `--all`, also those without, as
/// null). With a key: its typed value, or null when it has none or is not declared.
pub(super) fn config_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT, Flag::boolean("all").alias("a")], args)?;
    let format = p.format()?;
    let key = p.positional.first();
    if let Some(key) = key {
        if p.flag("all") {
            return Err(ToolError::Usage(format!(
                "cannot use argument --all together with key {key:?}"
            )));
        }
        check_empty(&p.positional[1..])?;
    }
    let value = match key {
        Some(key) => call.model.config_value(key).unwrap_or(Value::Null),
        None => {
            let mut all = call.model.effective_config();
            if !p.flag("all") {
                all.retain(|_, v| !v.is_null());
            }
            Value::Object(all)
        }
    };
    Ok(render(format, &value))
}

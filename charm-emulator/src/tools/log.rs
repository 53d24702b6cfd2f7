//! `juju-log`: immediate.

use super::args::{Flag, parse};
use super::{Call, ToolError};
use crate::model::LogSource;

/// `juju-log [-l LEVEL | --log-level LEVEL] [--debug] MESSAGE...`.
///
/// Levels are loggo's (case-insensitive); an unknown level logs at INFO after a warning, as
/// Juju does. In a relation hook the message is prefixed with the relation id.
pub(super) fn juju_log(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(
        &[
            Flag::boolean("debug"),
            Flag::value("log-level").alias("l"),
            Flag::value("format"),
        ],
        args,
    )?;
    if p.positional.is_empty() {
        return Err(ToolError::Usage("no message specified".to_owned()));
    }
    call.warn_deprecated_format(&p, "juju-log");
    let level = if p.flag("debug") {
        "DEBUG".to_owned()
    } else {
        let given = p.value("log-level").unwrap_or("INFO");
        match parse_level(given) {
            Some(level) => level.to_owned(),
            None => {
                let warning = format!("Specified log level of {given:?} is not valid");
                let ctx = call.context_id.to_owned();
                call.model.log(&ctx, "WARNING", warning, LogSource::JujuLog);
                "INFO".to_owned()
            }
        }
    };
    // The endpoint comes from the hook's name, so juju-log needs no relation data (the
    // model directory reads relations only for relation tools).
    let hook = &call.context.hook;
    let prefix = match (hook.relation, hook.relation_event()) {
        (Some(id), Some((endpoint, _))) => format!("{endpoint}:{id}: "),
        (Some(id), None) => format!("{}: ", call.model.relation_id_string(id)),
        _ => String::new(),
    };
    let message = format!("{prefix}{}", p.positional.join(" "));
    let ctx = call.context_id.to_owned();
    call.model
        .log(&ctx, level.as_str(), message, LogSource::JujuLog);
    Ok(Vec::new())
}

fn parse_level(raw: &str) -> Option<&'static str> {
    Some(match raw.to_ascii_uppercase().as_str() {
        "TRACE" => "TRACE",
        "DEBUG" => "DEBUG",
        "INFO" => "INFO",
        "WARNING" | "WARN" => "WARNING",
        "ERROR" => "ERROR",
        "CRITICAL" => "CRITICAL",
        _ => return None,
    })
}

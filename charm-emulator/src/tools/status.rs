//! `status-set`, `status-get` and `application-version-set`: they take effect at once.

use serde_json::{Value, json};

use super::args::{FORMAT, Flag, check_empty, parse};
use super::format::{Format, render};
use super::{Call, ToolError};
use crate::model::Status;

/// The statuses a charm may set, in Juju's order.
const SETTABLE: [&str; 4] = ["maintenance", "blocked", "waiting", "active"];

/// Juju's error when a non-leader touches application status.
const NOT_LEADER: &str = "this unit is not the leader";

/// `status-set [--application] STATUS [MESSAGE]`: immediate, never rolled back.
pub(super) fn status_set(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[Flag::boolean("application")], args)?;
    let Some(status) = p.positional.first() else {
        return Err(ToolError::Usage(
            "invalid args, require <status> [message]".to_owned(),
        ));
    };
    if !SETTABLE.contains(&status.as_str()) {
        return Err(ToolError::Usage(format!(
            "invalid status {status:?}, expected one of [{}]",
            SETTABLE.join(" ")
        )));
    }
    let message = p.positional.get(1).cloned().unwrap_or_default();
    if p.positional.len() > 2 {
        check_empty(&p.positional[2..])?;
    }
    let new = Status::new(status.clone(), message);
    if p.flag("application") {
        if !call.model.leader {
            return Err(ToolError::Failed(NOT_LEADER.to_owned()));
        }
        call.model.set_application_status(new);
    } else {
        call.model.set_unit_status(new);
    }
    Ok(Vec::new())
}

/// `status-get [--include-data] [--application] [--format]`.
///
/// Unit: `{"message":..,"status":..[,"status-data":{}]}`. Application (leader only), as Juju:
/// `{"application-status":{"message":..,"status":..,"status-data":{},"units":{"app/0":{..}}}}`.
/// In the default format without `--include-data`, only the status word is printed.
pub(super) fn status_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(
        &[
            FORMAT,
            Flag::boolean("include-data"),
            Flag::boolean("application"),
        ],
        args,
    )?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    let include_data = p.flag("include-data");
    let model = &*call.model;
    if p.flag("application") {
        if !model.leader {
            return Err(ToolError::Failed(format!(
                "finding application status: {NOT_LEADER}"
            )));
        }
        if !include_data && format == Format::Smart {
            return Ok(render(format, &json!(model.application_status.status)));
        }
        let mut details = status_details(&model.application_status, include_data);
        details["units"] =
            json!({ model.unit.clone(): status_details(&model.unit_status, include_data) });
        return Ok(render(format, &json!({ "application-status": details })));
    }
    if !include_data && format == Format::Smart {
        return Ok(render(format, &json!(model.unit_status.status)));
    }
    Ok(render(
        format,
        &status_details(&model.unit_status, include_data),
    ))
}

/// jujuc/status-get.go@0cdccd5f `toDetails`: `message` and `status-data` only with
/// `--include-data`.
fn status_details(status: &Status, include_data: bool) -> Value {
    let mut v = json!({ "status": status.status });
    if include_data {
        v["message"] = json!(status.message);
        v["status-data"] = Value::Object(status.data.clone());
    }
    v
}

/// `application-version-set VERSION`: immediate.
pub(super) fn application_version_set(
    call: &mut Call<'_>,
    args: &[String],
) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    let Some(version) = p.positional.first() else {
        return Err(ToolError::Usage("no version specified".to_owned()));
    };
    check_empty(&p.positional[1..])?;
    call.model.application_version = version.clone();
    Ok(Vec::new())
}

//! Action parameters checked against actions.yaml, as Juju's controller does before an
//! action is queued: declared names only (when `additionalProperties: false`), JSON-schema
//! types and enums, `required`, and each parameter's `default` filled in, so `action-get`
//! sees it (juju/charm `actions.go@51136089`: `ReadActionsYaml` turns each action into a
//! JSON schema (`params` as `properties`, `required`, other keys such as
//! `additionalProperties` kept), `ActionSpec.ValidateParams` ("validation failed: ...") and
//! `InsertDefaults`).
//!
//! Only the flat schema keys charms use are checked (`type`, `enum`, `default`,
//! `required`, `additionalProperties`); nested object schemas are not.

use serde_json::Value;

use crate::model::{ActionSpec, JsonMap};

/// Checks `params` of action `name` against `spec` and fills in the defaults.
///
/// ```
/// use charm_emulator::ActionSpec;
/// let mut spec = ActionSpec::default();
/// spec.params.insert("depth".into(), serde_json::json!({"type": "integer", "default": 1}));
/// let params = charm_emulator::validate_action_params("backup", &spec, Default::default()).unwrap();
/// assert_eq!(params["depth"], 1);
/// let bad = serde_json::json!({"depth": "deep"}).as_object().unwrap().clone();
/// assert!(charm_emulator::validate_action_params("backup", &spec, bad).is_err());
/// ```
pub fn validate_action_params(
    name: &str,
    spec: &ActionSpec,
    mut params: JsonMap,
) -> Result<JsonMap, String> {
    let fail = |what: String| Err(format!("validation failed for action {name:?}: {what}"));
    for (key, value) in &params {
        let Some(schema) = spec.params.get(key) else {
            if !spec.additional_properties {
                return fail(format!("additional property {key:?} is not allowed"));
            }
            continue;
        };
        if let Some(kind) = schema.get("type").and_then(Value::as_str)
            && !has_type(value, kind)
        {
            return fail(format!("{key}: invalid type, expected {kind}, got {value}"));
        }
        if let Some(Value::Array(allowed)) = schema.get("enum")
            && !allowed.contains(value)
        {
            return fail(format!(
                "{key}: must be one of {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    for key in &spec.required {
        if !params.contains_key(key) {
            return fail(format!("{key} is required"));
        }
    }
    for (key, schema) in &spec.params {
        if let Some(default) = schema.get("default")
            && !params.contains_key(key)
        {
            params.insert(key.clone(), default.clone());
        }
    }
    Ok(params)
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

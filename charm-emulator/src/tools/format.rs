//! Output formats of Juju's hook tools: `smart` (the default), `json` and `yaml`.

use serde_json::Value;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Juju's default: strings bare, booleans `True`/`False`, null as nothing, lists of
    /// strings one per line, anything else as YAML.
    Smart,
    /// One line of JSON.
    Json,
    /// A YAML document.
    Yaml,
}

impl Format {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "smart" => Some(Self::Smart),
            "json" => Some(Self::Json),
            "yaml" => Some(Self::Yaml),
            _ => None,
        }
    }
}

/// Renders `value`; like Juju's `cmd.Output`, non-empty output ends with a newline.
pub(crate) fn render(format: Format, value: &Value) -> Vec<u8> {
    let mut text = match format {
        Format::Json => value.to_string(),
        Format::Yaml => yaml(value),
        Format::Smart => match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
            other => yaml(other),
        },
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.into_bytes()
}

fn yaml(value: &Value) -> String {
    // Printing a JSON value as YAML cannot fail; fall back to JSON (valid YAML) regardless.
    charm_yaml::to_string(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(format: Format, v: Value) -> String {
        String::from_utf8(render(format, &v)).unwrap()
    }

    #[test]
    fn smart_matches_juju() {
        assert_eq!(text(Format::Smart, json!("x")), "x\n");
        assert_eq!(text(Format::Smart, json!(null)), "");
        assert_eq!(text(Format::Smart, json!(true)), "True\n");
        assert_eq!(text(Format::Smart, json!(["a", "b"])), "a\nb\n");
        assert_eq!(text(Format::Smart, json!({"k": "v"})), "k: v\n");
    }

    #[test]
    fn json_is_one_line() {
        assert_eq!(text(Format::Json, json!(null)), "null\n");
        assert_eq!(
            text(Format::Json, json!({"a": [1, 2.5]})),
            "{\"a\":[1,2.5]}\n"
        );
    }
}

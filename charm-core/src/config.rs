//! Charm config: the values of one hook, the previous hook's, and layer-basic's config flags.
//!
//! `#[charm]` generates a typed `Config` struct from config.yaml (one field per option,
//! `Option<T>` for options without a default) and a `UnitConfig` trait that gives
//! `unit.config()` and `unit.previous_config()`. This module holds what that code calls.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::registry::{Charm, ConfigOptionDef, OptionType};

/// Raw config values as `config-get --all` gave them.
#[doc(hidden)]
pub type ConfigMap = BTreeMap<String, Value>;

/// Every config flag name the charm's options can raise.
pub(crate) fn flag_names(charm: &Charm) -> Vec<String> {
    let mut names = vec!["config.changed".to_owned()];
    for opt in charm.config {
        for family in ["changed", "set", "default"] {
            names.push(format!("config.{family}.{}", opt.name));
        }
    }
    names
}

/// The config flags to raise at hook start: `(flag, reason)` pairs.
///
/// `previous` is `None` on a unit's first hook: then every option counts as changed.
/// How the unit state keeps option `key`'s value: a secret's as its hash marker (see
/// `redact`), so no password reaches the state file.
pub(crate) fn stored_value(key: &str, value: &Value) -> Value {
    match value {
        Value::String(s) if crate::redact::is_secret_key(key) && !s.is_empty() => {
            Value::String(crate::redact::marker(s))
        }
        other => other.clone(),
    }
}

/// The config as the unit state keeps it ([`stored_value`] of each option).
pub(crate) fn for_storage(config: &ConfigMap) -> ConfigMap {
    config
        .iter()
        .map(|(k, v)| (k.clone(), stored_value(k, v)))
        .collect()
}

pub(crate) fn flags_for(
    options: &[ConfigOptionDef],
    current: &ConfigMap,
    previous: Option<&ConfigMap>,
) -> Vec<String> {
    let mut flags = Vec::new();
    let mut any_changed = false;
    for opt in options {
        let now = current.get(opt.name).unwrap_or(&Value::Null);
        // The previous values are as stored: secrets as markers.
        let changed = previous.is_none_or(|prev| {
            prev.get(opt.name).unwrap_or(&Value::Null) != &stored_value(opt.name, now)
        });
        if changed {
            any_changed = true;
            flags.push(format!("config.changed.{}", opt.name));
        }
        if truthy(now) {
            flags.push(format!("config.set.{}", opt.name));
        }
        let default = opt
            .default
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .unwrap_or(Value::Null);
        if same_value(now, &default) {
            flags.push(format!("config.default.{}", opt.name));
        }
    }
    if any_changed {
        flags.push("config.changed".to_owned());
    }
    flags
}

/// Python's truthiness, as layer-basic uses it for `config.set.<key>`.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Equality where `5` and `5.0` are the same number (Juju may print either for a float).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Checks every value against its declared type, so a bad value is an error naming the key
/// at hook start rather than somewhere in a handler.
pub(crate) fn validate(charm: &Charm, values: &ConfigMap) -> Result<()> {
    for opt in charm.config {
        match values.get(opt.name) {
            None | Some(Value::Null) => {}
            Some(v) => check_type(opt.name, opt.kind, v)?,
        }
    }
    Ok(())
}

fn check_type(key: &str, kind: OptionType, value: &Value) -> Result<()> {
    let ok = match kind {
        OptionType::String => value.is_string(),
        OptionType::Int => value.is_i64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        OptionType::Float => value.is_number(),
        OptionType::Boolean => value.is_boolean(),
    };
    if ok {
        Ok(())
    } else {
        Err(type_error(key, kind, value))
    }
}

fn type_error(key: &str, kind: OptionType, value: &Value) -> Error {
    let expected = match kind {
        OptionType::String => "a string",
        OptionType::Int => "an int",
        OptionType::Float => "a float",
        OptionType::Boolean => "a boolean",
    };
    let mut shown = value.to_string();
    // 80 characters, not bytes: a byte index can fall inside a multi-byte character.
    if let Some((cut, _)) = shown.char_indices().nth(80) {
        shown.truncate(cut);
        shown.push('…');
    }
    Error::Config {
        key: key.to_owned(),
        message: format!("config.yaml declares {expected}, Juju gave {shown}"),
    }
}

/// A Rust type a config option can be read as. Implemented for `String`, `i64`, `f64`,
/// `bool`, and `Option<T>` of those (for options without a default).
pub trait ConfigValue: Sized {
    /// Converts the JSON value of option `key`.
    fn from_config(key: &str, value: Option<&Value>) -> Result<Self>;
}

fn missing(key: &str) -> Error {
    Error::Config {
        key: key.to_owned(),
        message: "has no value and no default".to_owned(),
    }
}

impl ConfigValue for String {
    fn from_config(key: &str, value: Option<&Value>) -> Result<Self> {
        match value {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) => Err(missing(key)),
            Some(v) => Err(type_error(key, OptionType::String, v)),
        }
    }
}

impl ConfigValue for i64 {
    fn from_config(key: &str, value: Option<&Value>) -> Result<Self> {
        match value {
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                })
                .ok_or_else(|| type_error(key, OptionType::Int, &Value::Number(n.clone()))),
            None | Some(Value::Null) => Err(missing(key)),
            Some(v) => Err(type_error(key, OptionType::Int, v)),
        }
    }
}

impl ConfigValue for f64 {
    fn from_config(key: &str, value: Option<&Value>) -> Result<Self> {
        match value {
            Some(Value::Number(n)) => n
                .as_f64()
                .ok_or_else(|| type_error(key, OptionType::Float, &Value::Number(n.clone()))),
            None | Some(Value::Null) => Err(missing(key)),
            Some(v) => Err(type_error(key, OptionType::Float, v)),
        }
    }
}

impl ConfigValue for bool {
    fn from_config(key: &str, value: Option<&Value>) -> Result<Self> {
        match value {
            Some(Value::Bool(b)) => Ok(*b),
            None | Some(Value::Null) => Err(missing(key)),
            Some(v) => Err(type_error(key, OptionType::Boolean, v)),
        }
    }
}

impl<T: ConfigValue> ConfigValue for Option<T> {
    fn from_config(key: &str, value: Option<&Value>) -> Result<Self> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_config(key, Some(v)).map(Some),
        }
    }
}

/// What generated `Config` structs implement.
pub trait TypedConfig: Sized {
    /// Builds the typed config from raw values.
    fn from_map(values: &ConfigMap) -> Result<Self>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A wrong-typed value of any text, multi-byte characters at every length: the error
    /// shows its first 80 characters, never panics (100 `é` used to cut inside a character).
    #[test]
    fn a_wrong_type_error_shows_any_text_without_panicking() {
        for unit in ["é", "€", "😀", "a", "\u{0}"] {
            for n in 0..200 {
                let text = unit.repeat(n);
                let err = type_error("port", OptionType::Int, &Value::String(text.clone()));
                let shown = err.to_string();
                let quoted = Value::String(text).to_string();
                let kept: String = quoted.chars().take(80).collect();
                assert!(shown.contains(&kept), "{shown}");
            }
        }
    }

    /// Text an attacker would send: multi-byte at every length, NUL, YAML specials.
    fn nasty() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "\\PC{0,300}",
            (
                prop_oneof![Just("é"), Just("🦀"), Just("\0"), Just("$")],
                0usize..300
            )
                .prop_map(|(c, n)| c.repeat(n)),
            any::<String>(),
        ]
    }

    /// A value of the wrong type for an int option.
    fn wrong_for_int() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            nasty().prop_map(Value::String),
            any::<bool>().prop_map(Value::Bool),
            any::<f64>()
                .prop_filter("not integral", |f| f.fract() != 0.0)
                .prop_map(|f| json!(f)),
            proptest::collection::vec(nasty(), 0..4).prop_map(|v| json!(v)),
            (nasty(), nasty()).prop_map(|(k, v)| json!({ k: v })),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Wrong types of every shape: `validate` names the option, the message stays short
        /// and never panics.
        #[test]
        fn a_wrong_type_is_an_error_naming_the_option(value in wrong_for_int()) {
            let mut map = ConfigMap::new();
            map.insert("port".to_owned(), value);
            let charm = Box::leak(Box::new(crate::registry::Charm {
                name: "x",
                endpoints: &[],
                config: OPTS,
                leader: &[],
                layer: crate::registry::Layer { name: "x", flags: &[], handlers: &[], triggers: &[], layers: &[] },
            }));
            let err = validate(charm, &map).unwrap_err();
            let text = err.to_string();
            proptest::prop_assert!(text.starts_with("config option `port`: config.yaml declares an int, Juju gave "), "{}", text);
            proptest::prop_assert!(text.chars().count() < 200, "{}", text);
        }
    }

    const OPTS: &[ConfigOptionDef] = &[
        ConfigOptionDef {
            name: "port",
            kind: OptionType::Int,
            default: Some("5000"),
        },
        ConfigOptionDef {
            name: "image",
            kind: OptionType::String,
            default: Some("\"redis\""),
        },
    ];

    fn map(v: Value) -> ConfigMap {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn first_hook_counts_every_key_as_changed() {
        let now = map(json!({"port": 5000, "image": ""}));
        let flags = flags_for(OPTS, &now, None);
        assert_eq!(
            flags,
            [
                "config.changed.port",
                "config.set.port",
                "config.default.port",
                "config.changed.image",
                "config.changed"
            ]
        );
    }

    #[test]
    fn only_changed_keys_raise_changed() {
        let prev = map(json!({"port": 5000, "image": "redis"}));
        let now = map(json!({"port": 4000, "image": "redis"}));
        let flags = flags_for(OPTS, &now, Some(&prev));
        assert!(flags.contains(&"config.changed.port".to_owned()));
        assert!(!flags.contains(&"config.changed.image".to_owned()));
        assert!(flags.contains(&"config.default.image".to_owned()));
        assert!(!flags.contains(&"config.default.port".to_owned()));
        assert!(flags.contains(&"config.changed".to_owned()));
        assert!(
            flags_for(OPTS, &prev, Some(&prev))
                .iter()
                .all(|f| !f.starts_with("config.changed"))
        );
    }

    #[test]
    fn wrong_types_are_errors_naming_the_key() {
        let err = i64::from_config("vote_port", Some(&json!("80a"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "config option `vote_port`: config.yaml declares an int, Juju gave \"80a\""
        );
        assert_eq!(i64::from_config("p", Some(&json!(5000.0))).unwrap(), 5000);
        assert!(String::from_config("s", None).is_err());
        assert_eq!(Option::<String>::from_config("s", None).unwrap(), None);
    }
}

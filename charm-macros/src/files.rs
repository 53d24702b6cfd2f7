//! Reading the charm's metadata.yaml and config.yaml at compile time.

use std::path::{Path, PathBuf};

use charm_yaml::{Mapping, Value};
use proc_macro2::Span;

/// A relation endpoint.
#[derive(Debug, Clone)]
pub(crate) struct EndpointSpec {
    pub name: String,
    pub role: Role,
    pub interface: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Provides,
    Requires,
    Peers,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provides => "provides",
            Self::Requires => "requires",
            Self::Peers => "peers",
        }
    }
}

/// What metadata.yaml says that the macros need.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata {
    pub name: String,
    pub endpoints: Vec<EndpointSpec>,
    /// `storage:` names: Juju runs `<name>-storage-attached` / `-detaching`.
    pub storage: Vec<String>,
    /// `containers:` names: Juju runs `<name>-pebble-ready` and the other workload hooks.
    pub containers: Vec<String>,
    /// Actions from actions.yaml (or charmcraft.yaml's `actions:`).
    pub actions: Vec<crate::actions::ActionSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionType {
    String,
    Int,
    Float,
    Boolean,
}

/// One option of config.yaml.
#[derive(Debug, Clone)]
pub(crate) struct ConfigOption {
    pub name: String,
    pub kind: OptionType,
    /// The default as JSON text.
    pub default: Option<String>,
    pub description: Option<String>,
    /// The option is malformed (already reported): its flags are known, so they raise no
    /// second error, but it gets no field in `Config`.
    pub broken: bool,
}

/// Finds `relative` next to the crate root, else next to the file holding the attribute.
/// The error names both places and suggests a near file name found there.
pub(crate) fn resolve(relative: &str, span: Span) -> Result<PathBuf, String> {
    let path = Path::new(relative);
    if path.is_absolute() {
        return if path.is_file() {
            Ok(path.to_owned())
        } else {
            Err(format!("cannot find `{relative}`"))
        };
    }
    let mut tried = Vec::new();
    if let Ok(root) = std::env::var("CARGO_MANIFEST_DIR") {
        let candidate = Path::new(&root).join(path);
        if candidate.is_file() {
            return Ok(candidate);
        }
        tried.push(candidate);
    }
    if let Some(file) = span.unwrap().local_file()
        && let Some(dir) = file.parent()
    {
        let candidate = dir.join(path);
        if candidate.is_file() {
            return Ok(candidate);
        }
        tried.push(candidate);
    }
    // A near name in a directory that exists: `metadta.yaml` -> `metadata.yaml`.
    let wanted = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let suggestion = tried.iter().find_map(|candidate| {
        let entries = std::fs::read_dir(candidate.parent()?).ok()?;
        let names: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        let best = crate::suggest::nearest(wanted, names.iter().map(String::as_str))?;
        Some(match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => dir.join(best).display().to_string(),
            None => best.to_owned(),
        })
    });
    Err(match suggestion {
        Some(s) => format!(
            "cannot find `{relative}` in the crate root or next to this file; did you mean `{s}`?"
        ),
        None => format!("cannot find `{relative}` in the crate root or next to this file"),
    })
}

fn read(path: &Path) -> Result<Mapping, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: Value =
        charm_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    match value {
        Value::Mapping(m) => Ok(m),
        Value::Null => Ok(Mapping::new()),
        _ => Err(format!("{}: expected a mapping at the top", path.display())),
    }
}

fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.get(Value::String(key.to_owned()))
}

/// Charm names as charmcraft accepts them.
fn valid_charm_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--")
}

pub(crate) fn metadata(path: &Path) -> Result<Metadata, String> {
    let file = path.display();
    let map = read(path)?;
    let name = match get(&map, "name") {
        Some(Value::String(s)) if valid_charm_name(s) => s.clone(),
        Some(Value::String(s)) => {
            return Err(format!(
                "{file}: `name: {s}` is not a valid charm name (lower-case letters, digits and single dashes)"
            ));
        }
        _ => return Err(format!("{file}: `name` is required and must be a string")),
    };
    let subordinate = matches!(get(&map, "subordinate"), Some(Value::Bool(true)));
    let mut endpoints: Vec<EndpointSpec> = Vec::new();
    for role in [Role::Provides, Role::Requires, Role::Peers] {
        let Some(section) = get(&map, role.as_str()) else {
            continue;
        };
        let Value::Mapping(section) = section else {
            return Err(format!(
                "{file}: `{}` must be a mapping of endpoints",
                role.as_str()
            ));
        };
        for (key, spec) in section {
            let Value::String(ep) = key else {
                return Err(format!(
                    "{file}: endpoint names under `{}` must be strings",
                    role.as_str()
                ));
            };
            // The short form `redis: redis` names the interface; the long form is a mapping
            // with `interface` and optional `scope`, `limit`, `optional` (juju/charm
            // `meta.go` @ a0900e0a, `ifaceExpander`).
            let (interface, scope) = match spec {
                Value::String(i) => (i.clone(), None),
                Value::Mapping(m) => match get(m, "interface") {
                    Some(Value::String(i)) => (
                        i.clone(),
                        match get(m, "scope") {
                            Some(Value::String(s)) => Some(s.clone()),
                            _ => None,
                        },
                    ),
                    _ => return Err(format!("{file}: endpoint `{ep}` needs `interface: <name>`")),
                },
                _ => {
                    return Err(format!(
                        "{file}: endpoint `{ep}` must be an interface name (`{ep}: <interface>`) \
                         or a mapping with `interface`"
                    ));
                }
            };
            // `juju` and `juju-*` are Juju's, except for a subordinate's container-scoped
            // `requires` (juju/charm `meta.go` @ a0900e0a, `Meta.Check`).
            let reserved = ep == "juju" || ep.starts_with("juju-");
            let allowed =
                subordinate && role == Role::Requires && scope.as_deref() == Some("container");
            if reserved && !allowed {
                return Err(format!(
                    "{file}: endpoint `{ep}`: names `juju` and `juju-*` are reserved (only a \
                     subordinate's `requires` endpoint with `scope: container` may use them)"
                ));
            }
            if endpoints.iter().any(|e| &e.name == ep) {
                return Err(format!("{file}: endpoint `{ep}` is declared twice"));
            }
            endpoints.push(EndpointSpec {
                name: ep.clone(),
                role,
                interface,
            });
        }
    }
    let names = |key: &str| -> Result<Vec<String>, String> {
        match get(&map, key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Mapping(m)) => m
                .keys()
                .map(|k| match k {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(format!("{file}: names under `{key}` must be strings")),
                })
                .collect(),
            Some(_) => Err(format!("{file}: `{key}` must be a mapping of names")),
        }
    };
    Ok(Metadata {
        name,
        endpoints,
        storage: names("storage")?,
        containers: names("containers")?,
        actions: Vec::new(),
    })
}

/// The options of config.yaml, and one message per malformed option: one bad option does
/// not hide the others (their flags and `Config` fields stay checked).
pub(crate) fn config(path: &Path) -> Result<(Vec<ConfigOption>, Vec<String>), String> {
    let file = path.display();
    let map = crate::charmcraft::config_part(path, read(path)?)?;
    let options = match get(&map, "options") {
        Some(Value::Mapping(m)) => m.clone(),
        Some(Value::Null) => Mapping::new(),
        _ => {
            return Err(format!(
                "{file}: config.yaml must contain an `options:` mapping"
            ));
        }
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (key, spec) in options {
        let Value::String(name) = key else {
            errors.push(format!("{file}: option names must be strings"));
            continue;
        };
        match option(&name, &spec) {
            Ok(opt) => out.push(opt),
            Err(msg) => {
                errors.push(format!("{file}: {msg}"));
                out.push(ConfigOption {
                    name,
                    kind: OptionType::String,
                    default: None,
                    description: None,
                    broken: true,
                });
            }
        }
    }
    Ok((out, errors))
}

fn option(name: &str, spec: &Value) -> Result<ConfigOption, String> {
    if !valid_option_name(name) {
        return Err(format!(
            "option `{name}`: names are lower-case letters, digits, `_` and `-`"
        ));
    }
    let Value::Mapping(spec) = spec else {
        return Err(format!("option `{name}` must be a mapping with `type`"));
    };
    let kind = match get(spec, "type") {
        None => OptionType::String,
        Some(Value::String(t)) => match t.as_str() {
            "string" | "secret" => OptionType::String,
            "int" => OptionType::Int,
            "float" => OptionType::Float,
            "boolean" => OptionType::Boolean,
            other => {
                return Err(format!(
                    "option `{name}`: unknown type `{other}`; Juju's types are `string`, `int`, \
                     `float`, `boolean` and `secret`{}",
                    crate::suggest::nearest(other, ["string", "int", "float", "boolean", "secret"])
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default()
                ));
            }
        },
        Some(_) => return Err(format!("option `{name}`: `type` must be a string")),
    };
    let default = match get(spec, "default") {
        None | Some(Value::Null) => None,
        Some(v) => Some(default_json(name, kind, v)?),
    };
    let description = match get(spec, "description") {
        Some(Value::String(d)) => Some(d.clone()),
        _ => None,
    };
    Ok(ConfigOption {
        name: name.to_owned(),
        kind,
        default,
        description,
        broken: false,
    })
}

fn valid_option_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn default_json(name: &str, kind: OptionType, value: &Value) -> Result<String, String> {
    let wrong = |what: &str| format!("option `{name}`: the default is not {what}");
    match (kind, value) {
        (OptionType::String, Value::String(s)) => Ok(json_string(s)),
        (OptionType::Int, Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        (OptionType::Int, _) => Err(wrong("an int")),
        (OptionType::Float, Value::Number(n)) => Ok(n
            .as_f64()
            .map_or_else(|| n.to_string(), |f| format!("{f:?}"))),
        (OptionType::Float, _) => Err(wrong("a float")),
        (OptionType::Boolean, Value::Bool(b)) => Ok(b.to_string()),
        (OptionType::Boolean, _) => Err(wrong("a boolean")),
        (OptionType::String, _) => Err(wrong("a string")),
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

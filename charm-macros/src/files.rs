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
            if ep == "juju" || ep.starts_with("juju-") {
                return Err(format!(
                    "{file}: endpoint `{ep}`: names `juju` and `juju-*` are reserved"
                ));
            }
            if endpoints.iter().any(|e| &e.name == ep) {
                return Err(format!("{file}: endpoint `{ep}` is declared twice"));
            }
            let interface = match spec {
                Value::Mapping(m) => match get(m, "interface") {
                    Some(Value::String(i)) => i.clone(),
                    _ => return Err(format!("{file}: endpoint `{ep}` needs `interface: <name>`")),
                },
                _ => {
                    return Err(format!(
                        "{file}: endpoint `{ep}` must be a mapping with `interface`"
                    ));
                }
            };
            endpoints.push(EndpointSpec {
                name: ep.clone(),
                role,
                interface,
            });
        }
    }
    Ok(Metadata { name, endpoints })
}

pub(crate) fn config(path: &Path) -> Result<Vec<ConfigOption>, String> {
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
    for (key, spec) in options {
        let Value::String(name) = key else {
            return Err(format!("{file}: option names must be strings"));
        };
        if !valid_option_name(&name) {
            return Err(format!(
                "{file}: option `{name}`: names are lower-case letters, digits, `_` and `-`"
            ));
        }
        let Value::Mapping(spec) = spec else {
            return Err(format!(
                "{file}: option `{name}` must be a mapping with `type`"
            ));
        };
        let kind = match get(&spec, "type") {
            None => OptionType::String,
            Some(Value::String(t)) => match t.as_str() {
                "string" | "secret" => OptionType::String,
                "int" => OptionType::Int,
                "float" => OptionType::Float,
                "boolean" => OptionType::Boolean,
                other => {
                    return Err(format!(
                        "{file}: option `{name}`: unknown type `{other}` (string, int, float, boolean, secret)"
                    ));
                }
            },
            Some(_) => return Err(format!("{file}: option `{name}`: `type` must be a string")),
        };
        let default = match get(&spec, "default") {
            None | Some(Value::Null) => None,
            Some(v) => Some(default_json(&name, kind, v).map_err(|m| format!("{file}: {m}"))?),
        };
        let description = match get(&spec, "description") {
            Some(Value::String(d)) => Some(d.clone()),
            _ => None,
        };
        out.push(ConfigOption {
            name,
            kind,
            default,
            description,
        });
    }
    Ok(out)
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

//! Reading what the emulator needs from a charm directory: metadata.yaml and config.yaml.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use charm_yaml::{Mapping, Value as Yaml};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{ActionSpec, ConfigOption, ConfigType, Endpoint, JsonMap, Role};

/// What the emulator takes from a charm: its name, relation endpoints, extra bindings and
/// config options.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("metadata.yaml"), "name: web\nrequires:\n  db:\n    interface: pgsql\n").unwrap();
/// std::fs::write(dir.path().join("config.yaml"), "options:\n  port: {type: int, default: 80}\n").unwrap();
/// let info = charm_emulator::CharmInfo::load(dir.path()).unwrap();
/// assert_eq!(info.name, "web");
/// assert_eq!(info.endpoints["db"].interface, "pgsql");
/// assert_eq!(info.config["port"].default, Some(serde_json::json!(80)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CharmInfo {
    /// `name` of metadata.yaml.
    pub name: String,
    /// Endpoints from `provides`, `requires` and `peers`.
    pub endpoints: BTreeMap<String, Endpoint>,
    /// Names under `extra-bindings`.
    pub extra_bindings: BTreeSet<String>,
    /// Options of config.yaml (none when the file is absent).
    pub config: BTreeMap<String, ConfigOption>,
    /// Actions of actions.yaml (none when the file is absent).
    pub actions: BTreeMap<String, ActionSpec>,
}

/// The endpoint every charm provides without declaring it: Juju adds `juju-info`
/// (interface `juju-info`) to every charm's `provides`, and subordinates relate to it.
pub const JUJU_INFO: &str = "juju-info";

impl CharmInfo {
    /// Reads `dir/metadata.yaml` (required) and `dir/config.yaml` (optional).
    ///
    /// Errors name the file and the key: an option's default must match its type
    /// (`string`, `int`, `float`, `boolean`, `secret`; no type means `string`).
    pub fn load(dir: &Path) -> Result<Self> {
        // A unified charmcraft.yaml stands for both files when there is no metadata.yaml.
        let unified = dir.join("charmcraft.yaml");
        let unified = !dir.join("metadata.yaml").exists() && unified.exists();
        let meta_path = dir.join(if unified {
            "charmcraft.yaml"
        } else {
            "metadata.yaml"
        });
        let meta = read_yaml_map(&meta_path)?;
        let charm_err = |message: String| Error::Charm {
            path: meta_path.clone(),
            message,
        };
        let name = match meta.get("name") {
            Some(Yaml::String(n)) if !n.is_empty() => n.clone(),
            Some(_) => return Err(charm_err("`name` must be a non-empty string".into())),
            None => return Err(charm_err("missing required key `name`".into())),
        };
        let mut endpoints = BTreeMap::new();
        for (section, role) in [
            ("provides", Role::Provides),
            ("requires", Role::Requires),
            ("peers", Role::Peers),
        ] {
            let Some(entries) = meta.get(section) else {
                continue;
            };
            let entries = entries
                .as_mapping()
                .ok_or_else(|| charm_err(format!("`{section}` must be a map of endpoints")))?;
            for (ep_name, spec) in entries {
                let ep_name = key_str(ep_name).ok_or_else(|| {
                    charm_err(format!("`{section}`: endpoint names must be strings"))
                })?;
                // Juju's short form `redis: redis` names the interface (juju/charm
                // `meta.go` @ a0900e0a, `ifaceExpander`).
                let interface = spec
                    .as_str()
                    .or_else(|| spec.get("interface").and_then(Yaml::as_str))
                    .ok_or_else(|| {
                        charm_err(format!("`{section}.{ep_name}.interface` is required"))
                    })?;
                if endpoints.contains_key(&ep_name) {
                    return Err(charm_err(format!("endpoint `{ep_name}` is declared twice")));
                }
                endpoints.insert(
                    ep_name,
                    Endpoint {
                        role,
                        interface: interface.to_owned(),
                    },
                );
            }
        }
        // The implicit provides endpoint: state/application.go@6d9f0fea `Endpoints` adds
        // `juju-info` (provider, interface juju-info) to every application's endpoints.
        endpoints.entry(JUJU_INFO.to_owned()).or_insert(Endpoint {
            role: Role::Provides,
            interface: JUJU_INFO.to_owned(),
        });
        let extra_bindings = match meta.get("extra-bindings") {
            None | Some(Yaml::Null) => BTreeSet::new(),
            Some(Yaml::Mapping(m)) => m.keys().filter_map(key_str).collect(),
            Some(_) => return Err(charm_err("`extra-bindings` must be a map".into())),
        };
        let config = match meta.get("config") {
            Some(section) if unified => options(&meta_path, section)?,
            _ => load_config(&dir.join("config.yaml"))?,
        };
        let actions = match meta.get("actions") {
            Some(Yaml::Mapping(section)) if unified => action_specs(&meta_path, section)?,
            Some(Yaml::Null) | None if unified => BTreeMap::new(),
            Some(_) if unified => {
                return Err(charm_err("`actions` must be a map".into()));
            }
            _ => load_actions(&dir.join("actions.yaml"))?,
        };
        Ok(Self {
            name,
            endpoints,
            extra_bindings,
            config,
            actions,
        })
    }
}

fn key_str(key: &Yaml) -> Option<String> {
    key.as_str().map(str::to_owned)
}

fn read_yaml_map(path: &Path) -> Result<Mapping> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
    let doc: Yaml = charm_yaml::from_str(&text).map_err(|e| Error::Charm {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    match doc {
        Yaml::Mapping(m) => Ok(m),
        Yaml::Null => Ok(Mapping::new()),
        _ => Err(Error::Charm {
            path: path.to_owned(),
            message: "expected a YAML map at the top level".into(),
        }),
    }
}

/// Reads actions.yaml: `name: {description, params: {..JSON schema properties..}, required:
/// [..], additionalProperties: bool}`; a missing file means no actions.
fn load_actions(path: &Path) -> Result<BTreeMap<String, ActionSpec>> {
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    action_specs(path, &read_yaml_map(path)?)
}

/// The actions of an actions document (actions.yaml, or `actions:` of charmcraft.yaml).
fn action_specs(path: &Path, doc: &Mapping) -> Result<BTreeMap<String, ActionSpec>> {
    let err = |message: String| Error::Charm {
        path: path.to_owned(),
        message,
    };
    let mut out = BTreeMap::new();
    for (name, spec) in doc {
        let name = key_str(name).ok_or_else(|| err("action names must be strings".into()))?;
        let spec: Value = match spec {
            Yaml::Null => Value::Object(JsonMap::new()),
            other => {
                serde_json::to_value(other).map_err(|e| err(format!("action `{name}`: {e}")))?
            }
        };
        let params = match spec.get("params") {
            None | Some(Value::Null) => JsonMap::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(err(format!("action `{name}`: `params` must be a map"))),
        };
        let required = match spec.get("required") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| err(format!("action `{name}`: `required` must list names")))?,
            Some(_) => return Err(err(format!("action `{name}`: `required` must be a list"))),
        };
        let additional_properties = match spec.get("additionalProperties") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(err(format!(
                    "action `{name}`: `additionalProperties` must be a boolean"
                )));
            }
        };
        out.insert(
            name,
            ActionSpec {
                params,
                required,
                additional_properties,
            },
        );
    }
    Ok(out)
}

/// Reads config.yaml's `options`; a missing file means no options.
fn load_config(path: &Path) -> Result<BTreeMap<String, ConfigOption>> {
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let doc = read_yaml_map(path)?;
    options(path, &Yaml::Mapping(doc))
}

/// The `options` of a config document (config.yaml, or `config:` of charmcraft.yaml).
fn options(path: &Path, doc: &Yaml) -> Result<BTreeMap<String, ConfigOption>> {
    let err = |message: String| Error::Charm {
        path: path.to_owned(),
        message,
    };
    let options = match doc.get("options") {
        None | Some(Yaml::Null) => return Ok(BTreeMap::new()),
        Some(Yaml::Mapping(m)) => m,
        Some(_) => return Err(err("`options` must be a map".into())),
    };
    let mut out = BTreeMap::new();
    for (name, spec) in options {
        let name = key_str(name).ok_or_else(|| err("option names must be strings".into()))?;
        let spec = match spec {
            Yaml::Mapping(m) => m.clone(),
            Yaml::Null => Mapping::new(),
            _ => return Err(err(format!("option `{name}` must be a map"))),
        };
        let kind = match spec.get("type") {
            None | Some(Yaml::Null) => ConfigType::String,
            Some(Yaml::String(t)) => match t.as_str() {
                "string" => ConfigType::String,
                "int" => ConfigType::Int,
                "float" => ConfigType::Float,
                "boolean" => ConfigType::Boolean,
                "secret" => ConfigType::Secret,
                other => {
                    return Err(err(format!(
                        "option `{name}`: unknown type {other:?} (expected string, int, float, boolean or secret)"
                    )));
                }
            },
            Some(_) => return Err(err(format!("option `{name}`: `type` must be a string"))),
        };
        let default = match spec.get("default") {
            None | Some(Yaml::Null) => None,
            Some(v) => {
                let json: Value = serde_json::to_value(v)
                    .map_err(|e| err(format!("option `{name}`: default: {e}")))?;
                // YAML `1` is a fine float default; keep it a float so config-get types it so.
                let json = match (kind, &json) {
                    (ConfigType::Float, Value::Number(n)) => n
                        .as_f64()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .unwrap_or(json),
                    _ => json,
                };
                if !kind.accepts(&json) {
                    return Err(err(format!(
                        "option `{name}`: default {json} is not a {}",
                        kind.name()
                    )));
                }
                Some(json)
            }
        };
        let description = spec
            .get("description")
            .and_then(Yaml::as_str)
            .unwrap_or_default()
            .to_owned();
        out.insert(
            name,
            ConfigOption {
                kind,
                default,
                description,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charm(meta: &str, config: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("metadata.yaml"), meta).unwrap();
        if let Some(c) = config {
            std::fs::write(dir.path().join("config.yaml"), c).unwrap();
        }
        dir
    }

    #[test]
    fn reads_endpoints_and_typed_options() {
        let dir = charm(
            "name: web\nrequires:\n  db: {interface: pgsql}\npeers:\n  replicas: {interface: web-peers}\nextra-bindings:\n  admin:\n",
            Some(
                "options:\n  port: {type: int, default: 80}\n  ratio: {type: float, default: 1}\n  name: {default: x}\n  debug: {type: boolean}\n",
            ),
        );
        let info = CharmInfo::load(dir.path()).unwrap();
        assert_eq!(info.name, "web");
        assert_eq!(info.endpoints["db"].role, Role::Requires);
        assert_eq!(info.endpoints["replicas"].role, Role::Peers);
        assert!(info.extra_bindings.contains("admin"));
        assert_eq!(info.config["port"].default, Some(serde_json::json!(80)));
        assert_eq!(info.config["ratio"].default, Some(serde_json::json!(1.0)));
        assert_eq!(info.config["name"].kind, ConfigType::String);
        assert_eq!(info.config["debug"].default, None);
    }

    #[test]
    fn bad_default_names_file_and_option() {
        let dir = charm(
            "name: web\n",
            Some("options:\n  port: {type: int, default: eighty}\n"),
        );
        let err = CharmInfo::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("config.yaml") && err.contains("`port`"),
            "{err}"
        );
    }

    #[test]
    fn reads_a_unified_charmcraft_yaml() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("charmcraft.yaml"),
            "name: web\ntype: charm\nprovides:\n  website: {interface: http}\nconfig:\n  options:\n    port: {type: int, default: 80}\nactions:\n  snap: {}\n",
        )
        .unwrap();
        let info = CharmInfo::load(dir.path()).unwrap();
        assert_eq!(info.name, "web");
        assert_eq!(info.endpoints["website"].interface, "http");
        assert_eq!(info.config["port"].default, Some(serde_json::json!(80)));
        // metadata.yaml, when present, wins (and config.yaml with it).
        std::fs::write(dir.path().join("metadata.yaml"), "name: other\n").unwrap();
        let info = CharmInfo::load(dir.path()).unwrap();
        assert_eq!(info.name, "other");
        assert!(info.config.is_empty());
    }

    #[test]
    fn missing_metadata_names_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = CharmInfo::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("metadata.yaml"), "{err}");
    }
}

//! The unified charmcraft.yaml: metadata at the top, `config:` and `actions:` sections, as
//! `charmcraft init` writes today. Used when the crate has no metadata.yaml / config.yaml of
//! its own; the separate files win when present (`cargo charm check` refuses both at once).

use std::path::Path;

use charm_yaml::{Mapping, Value};

/// The unified file's name.
pub(crate) const FILE: &str = "charmcraft.yaml";

/// True when the crate root has a charmcraft.yaml with `key` at the top.
fn root_has(key: &str) -> bool {
    let Ok(root) = std::env::var("CARGO_MANIFEST_DIR") else {
        return false;
    };
    let Ok(text) = std::fs::read_to_string(Path::new(&root).join(FILE)) else {
        return false;
    };
    matches!(charm_yaml::from_str::<Value>(&text), Ok(Value::Mapping(m)) if m.contains_key(Value::String(key.into())))
}

/// The file to read for `default` (`metadata.yaml` or `config.yaml`) when the charm does not
/// name one: `default` itself, unless the crate root lacks it and has a unified
/// charmcraft.yaml holding that part (`name:` for metadata, `config:` for config).
pub(crate) fn default_file(default: &str) -> &str {
    let key = match default {
        "metadata.yaml" => "name",
        "config.yaml" => "config",
        _ => return default,
    };
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    if Path::new(&root).join(default).exists() || !root_has(key) {
        default
    } else {
        FILE
    }
}

/// The config document in `map`, read from `path`: the `config:` section of a charmcraft.yaml,
/// else the map itself (a config.yaml).
pub(crate) fn config_part(path: &Path, map: Mapping) -> Result<Mapping, String> {
    if path.file_name().is_none_or(|n| n != FILE) {
        return Ok(map);
    }
    match map.get(Value::String("config".into())) {
        None | Some(Value::Null) => Ok(Mapping::new()),
        Some(Value::Mapping(m)) => Ok(m.clone()),
        Some(_) => Err(format!(
            "{}: `config` must be a mapping with `options`",
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_section_of_a_charmcraft_yaml() {
        let map: Mapping =
            charm_yaml::from_str("name: x\nconfig:\n  options:\n    port: {type: int}\n").unwrap();
        let part = config_part(Path::new("/c/charmcraft.yaml"), map.clone()).unwrap();
        assert!(part.contains_key(Value::String("options".into())));
        // A config.yaml is its own document.
        let same = config_part(Path::new("/c/config.yaml"), map.clone()).unwrap();
        assert_eq!(same, map);
        let none = config_part(Path::new("charmcraft.yaml"), Mapping::new()).unwrap();
        assert!(none.is_empty());
    }
}

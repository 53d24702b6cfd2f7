//! Top-level `include:`: other compose files whose services, networks, volumes, secrets and
//! configs join the file's, as the Compose specification's `include` says (docker/compose-spec
//! `14-include.md`): each included file is read as its own project, relative to its own
//! directory (so its relative paths are made absolute here), and a name that both define is
//! an error. Like `extends`, it works on the YAML tree before the typed reading.

use std::path::{Path, PathBuf};

use charm_yaml::{Mapping, Value};

const SECTIONS: [&str; 5] = ["services", "networks", "volumes", "secrets", "configs"];

/// Merges the files `tree`'s `include:` names (relative to `dir`) into it, and removes the key.
pub(crate) fn resolve(tree: &mut Value, dir: &Path) -> Result<(), String> {
    resolve_in(tree, dir, &mut Vec::new())
}

fn resolve_in(tree: &mut Value, dir: &Path, stack: &mut Vec<PathBuf>) -> Result<(), String> {
    let Some(include) = tree.as_mapping_mut().and_then(|m| m.remove("include")) else {
        return Ok(());
    };
    let entries = match include {
        Value::Sequence(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    for (i, entry) in entries.into_iter().enumerate() {
        let at = format!("include[{i}]");
        let (paths, project_dir) = match entry {
            Value::String(path) => (vec![path], None),
            Value::Mapping(m) => {
                for k in m.keys() {
                    let k = k.as_str().unwrap_or_default();
                    if !matches!(k, "path" | "project_directory" | "env_file") {
                        return Err(format!(
                            "{at}: unknown field `{k}`, expected `path`, `project_directory` or `env_file`"
                        ));
                    }
                }
                if m.contains_key("env_file") {
                    return Err(format!(
                        "{at}.env_file: is not supported: pass the variables to the project instead"
                    ));
                }
                let paths = match m.get("path") {
                    Some(Value::String(p)) => vec![p.clone()],
                    Some(Value::Sequence(ps)) => ps
                        .iter()
                        .map(|p| p.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| format!("{at}.path: expected paths"))?,
                    _ => return Err(format!("{at}: path is missing")),
                };
                let project_dir = m
                    .get("project_directory")
                    .and_then(Value::as_str)
                    .map(|p| dir.join(p));
                (paths, project_dir)
            }
            _ => {
                return Err(format!(
                    "{at}: expected a path or {{path, project_directory}}"
                ));
            }
        };
        if paths.len() > 1 {
            return Err(format!(
                "{at}.path: several files merged into one is not supported: include them one by one"
            ));
        }
        let path = dir.join(&paths[0]);
        if stack.contains(&path) {
            return Err(format!("{at}: {} includes itself", path.display()));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{at}: cannot read {}: {e}", path.display()))?;
        let mut other: Value = charm_yaml::from_str(&text)
            .map_err(|e| format!("{at}: {}: {}", path.display(), e.message()))?;
        other
            .apply_merge()
            .map_err(|e| format!("{at}: {}: {e}", path.display()))?;
        let other_dir = project_dir.unwrap_or_else(|| path.parent().unwrap_or(dir).to_path_buf());
        stack.push(path.clone());
        resolve_in(&mut other, &other_dir, stack)?;
        stack.pop();
        if super::extends::any(&other) {
            super::extends::resolve(&mut other, &other_dir)
                .map_err(|e| format!("{at}: {}: {e}", path.display()))?;
        }
        if let Some(Value::Mapping(services)) = other.get_mut("services") {
            for service in services.values_mut() {
                super::extends::rebase(service, &other_dir);
            }
        }
        for section in SECTIONS {
            let Some(Value::Mapping(theirs)) = other.get(section).cloned() else {
                continue;
            };
            let root = tree
                .as_mapping_mut()
                .ok_or_else(|| "the file is not a mapping".to_owned())?;
            let ours = root
                .entry(Value::String(section.to_owned()))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if ours.is_null() {
                *ours = Value::Mapping(Mapping::new());
            }
            let Value::Mapping(ours) = ours else {
                return Err(format!("{section}: expected a mapping"));
            };
            for (name, def) in theirs {
                if ours.contains_key(&name) {
                    return Err(format!(
                        "{at}: {section}.{} is defined both here and in {}",
                        name.as_str().unwrap_or_default(),
                        path.display()
                    ));
                }
                // File-based secrets and configs are relative to the included file.
                let def = if section == "secrets" || section == "configs" {
                    rebase_file(def, &other_dir)
                } else {
                    def
                };
                ours.insert(name, def);
            }
        }
    }
    Ok(())
}

fn rebase_file(mut def: Value, dir: &Path) -> Value {
    if let Some(Value::String(file)) = def.get_mut("file")
        && !Path::new(file.as_str()).is_absolute()
    {
        *file = dir
            .join(file.strip_prefix("./").unwrap_or(file))
            .display()
            .to_string();
    }
    def
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn included_files_join_with_their_own_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("db")).unwrap();
        std::fs::write(
            dir.path().join("db/compose.yaml"),
            "services:\n  db:\n    image: pg\n    volumes: ['./init:/init', 'data:/data']\n    secrets: [pw]\nvolumes: {data: }\nsecrets: {pw: {file: ./pw.txt}}\n",
        )
        .unwrap();
        let mut tree: Value = charm_yaml::from_str(
            "include: [db/compose.yaml]\nservices:\n  web: {image: x, depends_on: [db]}\n",
        )
        .unwrap();
        resolve(&mut tree, dir.path()).unwrap();
        assert!(tree.get("include").is_none());
        let db = dir.path().join("db");
        assert_eq!(
            tree["services"]["db"]["volumes"][0],
            Value::String(format!("{}:/init", db.join("init").display()))
        );
        assert!(tree["volumes"].get("data").is_some());
        assert_eq!(
            tree["secrets"]["pw"]["file"],
            Value::String(db.join("pw.txt").display().to_string())
        );
        assert!(tree["services"].get("web").is_some());
    }

    #[test]
    fn a_name_defined_twice_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("other.yaml"),
            "services:\n  web: {image: y}\n",
        )
        .unwrap();
        let mut tree: Value =
            charm_yaml::from_str("include: [other.yaml]\nservices:\n  web: {image: x}\n").unwrap();
        let err = resolve(&mut tree, dir.path()).unwrap_err();
        assert!(
            err.starts_with("include[0]: services.web is defined both here and in "),
            "{err}"
        );
        let mut tree: Value = charm_yaml::from_str("include: [missing.yaml]\n").unwrap();
        let err = resolve(&mut tree, dir.path()).unwrap_err();
        assert!(err.starts_with("include[0]: cannot read "), "{err}");
    }
}

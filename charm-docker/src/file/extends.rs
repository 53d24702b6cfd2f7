//! `extends:`: a service built on another one, of the same file or of another, merged as the
//! Compose specification's merge rules say (docker/compose-spec `05-services.md` "extends"
//! and `13-merge.md`): mappings merged key by key, the extending service winning; `command`,
//! `entrypoint` and `healthcheck.test` replaced; `volumes` and `devices` merged by target;
//! other sequences appended without duplicates; scalars replaced. Relative paths of a service
//! taken from another file (build context, `env_file`, bind mounts) are made absolute against
//! that file's directory, as docker-compose 1.29 and Compose v2 do.
//!
//! It works on the YAML tree, before the typed reading: the file is then read from the
//! merged tree's text, whose lines are not the file's (as with merge keys).

use std::path::{Path, PathBuf};

use charm_yaml::Mapping;
use charm_yaml::Value;

/// Whether the tree has any `extends:` under `services:`.
pub(crate) fn any(tree: &Value) -> bool {
    services(tree).is_some_and(|s| s.values().any(|svc| svc.get("extends").is_some()))
}

fn services(tree: &Value) -> Option<&Mapping> {
    tree.get("services")?.as_mapping()
}

/// Resolves every `extends:` of the file's tree, `dir` being the file's directory.
pub(crate) fn resolve(tree: &mut Value, dir: &Path) -> Result<(), String> {
    let Some(names) = services(tree).map(|s| s.keys().cloned().collect::<Vec<_>>()) else {
        return Ok(());
    };
    let original = tree.clone();
    for name in names {
        let name = name.as_str().unwrap_or_default().to_owned();
        let mut stack = Vec::new();
        let merged = resolved(&original, dir, dir, &name, &mut stack)?;
        if let Some(Value::Mapping(services)) = tree.get_mut("services") {
            services.insert(Value::String(name), merged);
        }
    }
    Ok(())
}

/// Service `name` of `tree` (the file in `dir`) with its `extends` resolved; relative paths
/// made absolute when `dir` is not the project's `root`.
fn resolved(
    tree: &Value,
    dir: &Path,
    root: &Path,
    name: &str,
    stack: &mut Vec<(PathBuf, String)>,
) -> Result<Value, String> {
    let key = (dir.to_path_buf(), name.to_owned());
    if stack.contains(&key) {
        let chain: Vec<&str> = stack.iter().map(|(_, s)| s.as_str()).collect();
        return Err(format!(
            "services.{name}.extends: circular reference ({} -> {name})",
            chain.join(" -> ")
        ));
    }
    let Some(service) = services(tree).and_then(|s| s.get(name)) else {
        let at = stack.last().map(|(_, s)| s.as_str()).unwrap_or(name);
        return Err(format!(
            "services.{at}.extends: service {name:?} is not declared"
        ));
    };
    let mut service = service.clone();
    if dir != root {
        rebase(&mut service, dir);
    }
    let Some(extends) = service.as_mapping_mut().and_then(|m| m.remove("extends")) else {
        return Ok(service);
    };
    let (base_name, file) = match &extends {
        Value::String(s) => (s.clone(), None),
        Value::Mapping(m) => {
            for k in m.keys() {
                let k = k.as_str().unwrap_or_default();
                if k != "service" && k != "file" {
                    return Err(format!(
                        "services.{name}.extends: unknown field `{k}`, expected `service` or `file`"
                    ));
                }
            }
            let service = m
                .get("service")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("services.{name}.extends: service is missing"))?;
            (
                service.to_owned(),
                m.get("file").and_then(Value::as_str).map(str::to_owned),
            )
        }
        _ => {
            return Err(format!(
                "services.{name}.extends: expected a service name or {{service, file}}"
            ));
        }
    };
    stack.push(key);
    let base = match file {
        None => resolved(tree, dir, root, &base_name, stack)?,
        Some(file) => {
            let path = dir.join(&file);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "services.{name}.extends: cannot read {}: {e}",
                    path.display()
                )
            })?;
            let mut other: Value = charm_yaml::from_str(&text).map_err(|e| {
                format!(
                    "services.{name}.extends: {}: {}",
                    path.display(),
                    e.message()
                )
            })?;
            other
                .apply_merge()
                .map_err(|e| format!("services.{name}.extends: {}: {e}", path.display()))?;
            let other_dir = path.parent().unwrap_or(dir).to_path_buf();
            resolved(&other, &other_dir, root, &base_name, stack)?
        }
    };
    stack.pop();
    // A base that depends on another service cannot be extended (the specification's
    // restriction, enforced by docker-compose 1.29's config.py validate_extended_service_dict).
    for key in ["links", "volumes_from"] {
        if base.get(key).is_some() {
            return Err(format!(
                "services.{name}.extends: {base_name} has {key}, and a service with {key} cannot be extended"
            ));
        }
    }
    for key in ["network_mode", "net", "ipc", "pid"] {
        if let Some(mode) = base.get(key).and_then(Value::as_str)
            && (mode.starts_with("service:") || mode.starts_with("container:"))
        {
            return Err(format!(
                "services.{name}.extends: {base_name} has {key}: {mode}, and such a service cannot be extended"
            ));
        }
    }
    Ok(merge(base, service))
}

/// `base` with `over` merged on it, as the specification's merge rules say.
fn merge(base: Value, over: Value) -> Value {
    let (Value::Mapping(mut base), Value::Mapping(over)) = (base, over) else {
        return Value::Null;
    };
    for (key, value) in over {
        let k = key.as_str().unwrap_or_default().to_owned();
        let merged = match (base.remove(&key), value) {
            (None, v) => v,
            (Some(b), v) => merge_key(&k, b, v),
        };
        base.insert(key, merged);
    }
    Value::Mapping(base)
}

fn merge_key(key: &str, base: Value, over: Value) -> Value {
    match key {
        "command" | "entrypoint" => over,
        "environment" | "labels" | "annotations" | "sysctls" | "extra_hosts" => {
            merge_maps(to_map(base), to_map(over))
        }
        "build" => {
            let as_map = |v: Value| match v {
                Value::String(s) => {
                    let mut m = Mapping::new();
                    m.insert("context".into(), Value::String(s));
                    Value::Mapping(m)
                }
                other => other,
            };
            let (Value::Mapping(mut b), Value::Mapping(o)) = (as_map(base), as_map(over)) else {
                return Value::Null;
            };
            for (k, v) in o {
                let name = k.as_str().unwrap_or_default().to_owned();
                let merged = match (b.remove(&k), v) {
                    (Some(old), new) if name == "args" || name == "labels" => {
                        merge_maps(to_map(old), to_map(new))
                    }
                    (_, new) => new,
                };
                b.insert(k, merged);
            }
            Value::Mapping(b)
        }
        "healthcheck" | "deploy" | "logging" => match (base, over) {
            (Value::Mapping(mut b), Value::Mapping(o)) => {
                for (k, v) in o {
                    b.insert(k, v); // `test` and every other key replaced
                }
                Value::Mapping(b)
            }
            (_, o) => o,
        },
        "networks" | "depends_on" => merge_maps(to_keyed(base), to_keyed(over)),
        "volumes" | "devices" => {
            let mut out: Vec<Value> = Vec::new();
            for item in seq(base).into_iter().chain(seq(over)) {
                let target = mount_target(&item);
                out.retain(|v| target.is_none() || mount_target(v) != target);
                out.push(item);
            }
            Value::Sequence(out)
        }
        _ => match (base, over) {
            (Value::Sequence(mut b), Value::Sequence(o)) => {
                for item in o {
                    if !b.contains(&item) {
                        b.push(item);
                    }
                }
                Value::Sequence(b)
            }
            (Value::Mapping(b), Value::Mapping(o)) => {
                merge_maps(Value::Mapping(b), Value::Mapping(o))
            }
            (_, o) => o,
        },
    }
}

fn seq(v: Value) -> Vec<Value> {
    match v {
        Value::Sequence(s) => s,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The container path of a short (`src:dst[:mode]`) or long (`target:`) mount.
fn mount_target(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            Some(parts.get(1).unwrap_or(&parts[0]).to_string())
        }
        Value::Mapping(m) => m.get("target").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// `K=V` lists as mappings (a bare `K` maps to null).
fn to_map(v: Value) -> Value {
    match v {
        Value::Sequence(items) => {
            let mut m = Mapping::new();
            for item in items {
                let text = match &item {
                    Value::String(s) => s.clone(),
                    other => charm_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                match text.split_once('=') {
                    Some((k, v)) => m.insert(k.into(), Value::String(v.to_owned())),
                    None => m.insert(text.into(), Value::Null),
                };
            }
            Value::Mapping(m)
        }
        other => other,
    }
}

/// Lists of names (`networks: [a]`, `depends_on: [db]`) as mappings, keeping the long form.
fn to_keyed(v: Value) -> Value {
    match v {
        Value::Sequence(items) => {
            let mut m = Mapping::new();
            for item in items {
                m.insert(item, Value::Null);
            }
            Value::Mapping(m)
        }
        other => other,
    }
}

fn merge_maps(base: Value, over: Value) -> Value {
    match (base, over) {
        (Value::Mapping(mut b), Value::Mapping(o)) => {
            for (k, v) in o {
                b.insert(k, v);
            }
            Value::Mapping(b)
        }
        (_, o) => o,
    }
}

/// Makes the relative paths of a service from another file absolute against its `dir`.
pub(crate) fn rebase(service: &mut Value, dir: &Path) {
    let abs = |p: &str| -> String {
        if Path::new(p).is_absolute() || p.starts_with('~') || p.starts_with('$') {
            p.to_owned()
        } else {
            dir.join(p.strip_prefix("./").unwrap_or(p))
                .display()
                .to_string()
        }
    };
    let Some(m) = service.as_mapping_mut() else {
        return;
    };
    match m.get_mut("build") {
        Some(Value::String(s)) => *s = abs(s),
        Some(Value::Mapping(b)) => {
            let context = b
                .get("context")
                .and_then(Value::as_str)
                .unwrap_or(".")
                .to_owned();
            b.insert("context".into(), Value::String(abs(&context)));
        }
        _ => {}
    }
    match m.get_mut("env_file") {
        Some(Value::String(s)) => *s = abs(s),
        Some(Value::Sequence(items)) => {
            for item in items {
                match item {
                    Value::String(s) => *s = abs(s),
                    Value::Mapping(e) => {
                        if let Some(Value::String(p)) = e.get_mut("path") {
                            *p = abs(p);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    if let Some(Value::Sequence(volumes)) = m.get_mut("volumes") {
        for v in volumes {
            match v {
                Value::String(s) if s.starts_with('.') => {
                    let (source, rest) = s.split_once(':').unwrap_or((s.as_str(), ""));
                    let rebased = if rest.is_empty() {
                        abs(source)
                    } else {
                        format!("{}:{rest}", abs(source))
                    };
                    *s = rebased;
                }
                Value::Mapping(long) => {
                    let bind = long.get("type").and_then(Value::as_str) == Some("bind");
                    if let Some(Value::String(src)) = long.get_mut("source")
                        && bind
                    {
                        *src = abs(src);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(src: &str) -> Value {
        charm_yaml::from_str(src).unwrap()
    }

    #[test]
    fn merges_as_the_specification_says() {
        let mut t = tree(
            "services:\n  base:\n    image: x\n    command: a b\n    environment: [A=1, B=2]\n    ports: ['80']\n    volumes: ['d:/data', '/c']\n    networks: [front]\n  web:\n    extends: base\n    command: [c]\n    environment: {B: 3}\n    ports: ['81', '80']\n    volumes: ['e:/data']\n    networks: {back: {aliases: [w]}}\n",
        );
        resolve(&mut t, Path::new("/p")).unwrap();
        let web = &t["services"]["web"];
        assert_eq!(web["image"], tree("x"));
        assert_eq!(web["command"], tree("[c]"));
        assert_eq!(web["environment"], tree("{A: '1', B: 3}"));
        assert_eq!(web["ports"], tree("['80', '81']"));
        assert_eq!(web["volumes"], tree("['/c', 'e:/data']"));
        assert_eq!(web["networks"], tree("{front: null, back: {aliases: [w]}}"));
        assert!(web.get("extends").is_none());
    }

    #[test]
    fn another_files_service_keeps_its_own_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("common")).unwrap();
        std::fs::write(
            dir.path().join("common/base.yml"),
            "services:\n  app:\n    build: ./ctx\n    env_file: app.env\n    volumes: ['./site:/www']\n",
        )
        .unwrap();
        let mut t = tree("services:\n  web:\n    extends: {file: common/base.yml, service: app}\n");
        resolve(&mut t, dir.path()).unwrap();
        let web = &t["services"]["web"];
        let common = dir.path().join("common");
        assert_eq!(
            web["build"],
            Value::String(common.join("ctx").display().to_string())
        );
        assert_eq!(
            web["env_file"],
            Value::String(common.join("app.env").display().to_string())
        );
        assert_eq!(
            web["volumes"][0],
            Value::String(format!("{}:/www", common.join("site").display()))
        );
    }

    #[test]
    fn a_base_that_depends_on_another_service_cannot_be_extended() {
        for (key, value) in [
            ("links", "[db]"),
            ("volumes_from", "[db]"),
            ("network_mode", "'service:db'"),
            ("ipc", "'container:x'"),
        ] {
            let mut t = tree(&format!(
                "services:\n  db: {{image: x}}\n  base: {{image: x, {key}: {value}}}\n  web: {{extends: base}}\n"
            ));
            let err = resolve(&mut t, Path::new("/p")).unwrap_err();
            assert!(err.starts_with("services.web.extends: base has "), "{err}");
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn cycles_and_unknown_services_are_errors() {
        let mut t = tree("services:\n  a: {image: x, extends: b}\n  b: {image: x, extends: a}\n");
        let err = resolve(&mut t, Path::new("/p")).unwrap_err();
        assert!(err.contains("circular reference"), "{err}");
        let mut t = tree("services:\n  a: {image: x, extends: nope}\n");
        let err = resolve(&mut t, Path::new("/p")).unwrap_err();
        assert_eq!(err, "services.a.extends: service \"nope\" is not declared");
    }
}

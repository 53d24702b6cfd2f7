//! The `com.docker.compose.config-hash` docker-compose 1.29 computes, so that it and
//! charm-docker each recognise the other's containers as up to date.
//!
//! docker-compose 1.29 recreates a container whose config-hash label differs from the hash
//! it computes for the service: SHA-256 of `json.dumps(config_dict, sort_keys=True,
//! separators=(',', ':'))` where `config_dict` holds its normalised service options, the
//! image id, the primary network and the networks (docker/compose@1.29.2
//! `compose/service.py` `config_dict`, `compose/utils.py` `json_hash`). We put that hash on
//! the containers we create, and keep our own (complete) spec hash in [`SPEC_HASH`]; a
//! container without ours (made by docker-compose) is kept when its label equals the 1.29
//! hash we compute and its image is unchanged.
//!
//! The normalisation below covers the keys charm-docker models; a service using keys it
//! renders differently still works, it is only recreated once when the other tool takes over.
//! Docker Compose v2 hashes its own Go structures (compose2.rs): the one label cannot hold
//! both, so v2's `up` recreates our containers once.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::Project;
use crate::file::parse_duration;

/// Our own hash of the full container spec (the label docker-compose never writes).
pub(crate) const SPEC_HASH: &str = "io.charm-docker.spec-hash";

/// docker-compose 1.29's config hash of service `name`, whose interpolated source is `raw`,
/// on image `image_id`.
pub(crate) fn compose1_hash(project: &Project, name: &str, raw: &Value, image_id: &str) -> String {
    let empty = Map::new();
    let raw = raw.as_object().unwrap_or(&empty);
    let mut options = Map::new();
    let mut networks = Map::new();
    for (key, value) in raw {
        let normalised = match key.as_str() {
            "networks" => {
                for (net, settings) in service_networks(value) {
                    let def = project.network_def(&net);
                    let mut entry = Map::new();
                    if let Some(aliases) = settings.get("aliases").filter(|a| !a.is_null()) {
                        entry.insert("aliases".into(), aliases.clone());
                    }
                    networks.insert(project.network_name(&net, &def), Value::Object(entry));
                }
                continue;
            }
            // `pid` is taken out of the options into the service's pid mode, which
            // config_dict leaves out (compose/project.py `get_pid_mode`@1.29.2).
            "scale" | "deploy" | "build" | "container_name" | "pid" => continue,
            // A single string becomes a list (compose/config/config.py `process_service`).
            "dns" | "dns_search" | "tmpfs" => match value {
                Value::String(_) => Value::Array(vec![value.clone()]),
                other => other.clone(),
            },
            // Each a `SecurityOpt(value, src_file)` namedtuple, which json.dumps writes as
            // a list (compose/config/types.py `SecurityOpt.parse`@1.29.2; a seccomp profile
            // file is read into the value there, which this does not reproduce: such a
            // service is recreated once when the other tool takes over).
            // 1.29 casts these from text after interpolation (compose/config/
            // interpolation.py `ConversionMap`@1.29.2: `to_float`, `to_int`, `to_boolean`).
            "cpus" => match value {
                Value::String(text) => text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| value.clone(), Value::Number),
                other => other.clone(),
            },
            "privileged" | "read_only" => match value.as_str().map(str::to_ascii_lowercase) {
                Some(t) if ["y", "yes", "true", "on"].contains(&t.as_str()) => Value::Bool(true),
                Some(t) if ["n", "no", "false", "off"].contains(&t.as_str()) => Value::Bool(false),
                _ => value.clone(),
            },
            "ulimits" => ulimits(value),
            "security_opt" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|o| json!([o, null]))
                    .collect(),
            ),
            "environment" => Value::Object(environment(project, value)),
            "labels" => labels(value),
            "ports" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(ports)
                    .collect(),
            ),
            "volumes" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| volume(project, v))
                    .collect(),
            ),
            "depends_on" => depends_on(value),
            "restart" => restart(value),
            "healthcheck" => healthcheck(value),
            _ => value.clone(),
        };
        options.insert(key.clone(), normalised);
    }
    options.entry("volumes").or_insert_with(|| json!([]));
    options.insert("device_requests".into(), Value::Null);
    options.insert("platform".into(), Value::Null);
    if networks.is_empty() {
        let def = project.network_def("default");
        networks.insert(project.network_name("default", &def), json!({}));
    }
    let primary = project
        .service_networks(name)
        .first()
        .map(|key| project.network_name(key, &project.network_def(key)));
    let dict = json!({
        "image_id": image_id,
        "ipc_mode": null,
        "links": [],
        "net": primary,
        "networks": networks,
        "options": options,
        "secrets": [],
        "volumes_from": [],
    });
    let mut text = String::new();
    python_json(&dict, &mut text);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `networks:` as a list or a map, as (key, settings) pairs.
fn service_networks(value: &Value) -> Vec<(String, Map<String, Value>)> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|n| n.as_str().map(|n| (n.to_owned(), Map::new())))
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), v.as_object().cloned().unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    }
}

/// A list of `K=V` (values as text, `K` alone looked up) or a map (values as written).
fn environment(project: &Project, value: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let lookup = |k: &str| {
        project
            .environment()
            .get(k)
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    };
    match value {
        Value::Array(items) => {
            for item in items.iter().filter_map(Value::as_str) {
                match item.split_once('=') {
                    Some((k, v)) => out.insert(k.to_owned(), Value::String(v.to_owned())),
                    None => out.insert(item.to_owned(), lookup(item)),
                };
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let v = if v.is_null() { lookup(k) } else { v.clone() };
                out.insert(k.clone(), v);
            }
        }
        _ => {}
    }
    out
}

fn labels(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Object(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|item| {
                    let (k, v) = item.split_once('=').unwrap_or((item, ""));
                    (k.to_owned(), Value::String(v.to_owned()))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One `ports:` entry as 1.29's `ServicePort` tuples
/// `[target, published, protocol, mode, external_ip]`.
fn ports(entry: &Value) -> Vec<Value> {
    let int_or_text = |t: &str| {
        t.parse::<u64>()
            .map_or_else(|_| Value::String(t.to_owned()), Value::from)
    };
    if let Value::Object(long) = entry {
        let target = long.get("target").cloned().unwrap_or(Value::Null);
        let published = match long.get("published") {
            Some(Value::String(s)) => int_or_text(s),
            Some(other) => other.clone(),
            None => Value::Null,
        };
        let text = |k: &str| long.get(k).cloned().unwrap_or(Value::Null);
        return vec![json!([
            target,
            published,
            text("protocol"),
            text("mode"),
            null
        ])];
    }
    let spec = match entry {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (addr, protocol) = match spec.rsplit_once('/') {
        Some((a, p)) => (a, Value::String(p.to_owned())),
        None => (spec.as_str(), Value::Null),
    };
    let parts: Vec<&str> = addr.rsplitn(3, ':').collect();
    let (container, host, ip) = match parts.as_slice() {
        [c] => (*c, None, None),
        [c, h] => (*c, Some(*h), None),
        [c, h, ip] => (*c, Some(*h), Some(*ip)),
        _ => return Vec::new(),
    };
    let ip = ip.map_or(Value::Null, |ip| {
        Value::String(ip.trim_start_matches('[').trim_end_matches(']').to_owned())
    });
    let range = |t: &str| -> Option<(u64, u64)> {
        match t.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => t.parse().ok().map(|n| (n, n)),
        }
    };
    let Some((c0, c1)) = range(container) else {
        return Vec::new();
    };
    let host = host.filter(|h| !h.is_empty());
    (c0..=c1)
        .enumerate()
        .map(|(i, target)| {
            let published = match host {
                None => Value::Null,
                Some(h) if c0 == c1 => int_or_text(h),
                Some(h) => match range(h) {
                    Some((h0, _)) => Value::from(h0 + i as u64),
                    None => Value::Null,
                },
            };
            json!([target, published, protocol, null, ip])
        })
        .collect()
}

/// One `volumes:` entry as 1.29's `VolumeSpec` tuple `[external, internal, mode]`.
fn volume(project: &Project, entry: &Value) -> Value {
    let (source, target, read_only) = match entry {
        Value::String(spec) => {
            let parts: Vec<&str> = spec.split(':').collect();
            match parts.as_slice() {
                [t] => (None, t.to_string(), false),
                [s, t] => (Some(s.to_string()), t.to_string(), false),
                [s, t, m] => (
                    Some(s.to_string()),
                    t.to_string(),
                    m.split(',').any(|o| o == "ro"),
                ),
                _ => (None, spec.clone(), false),
            }
        }
        Value::Object(long) => (
            long.get("source")
                .and_then(Value::as_str)
                .map(str::to_owned),
            long.get("target")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            long.get("read_only")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        ),
        _ => (None, String::new(), false),
    };
    let external = source.map(|s| {
        if s.starts_with(['.', '/', '~']) {
            crate::spec::resolve(project.working_dir(), std::path::Path::new(&s))
                .display()
                .to_string()
        } else {
            let def = project
                .file()
                .volumes()
                .get(&s)
                .cloned()
                .unwrap_or_default();
            project.volume_name(&s, &def)
        }
    });
    json!([external, target, if read_only { "ro" } else { "rw" }])
}

/// `ulimits:` with every limit written as text made a number, as 1.29's `to_int`.
fn ulimits(value: &Value) -> Value {
    let int = |v: &Value| match v {
        Value::String(t) => t
            .trim()
            .parse::<i64>()
            .map_or_else(|_| v.clone(), Value::from),
        other => other.clone(),
    };
    let Value::Object(map) = value else {
        return value.clone();
    };
    Value::Object(
        map.iter()
            .map(|(name, limit)| {
                let limit = match limit {
                    Value::Object(pair) => {
                        Value::Object(pair.iter().map(|(k, v)| (k.clone(), int(v))).collect())
                    }
                    other => int(other),
                };
                (name.clone(), limit)
            })
            .collect(),
    )
}

fn depends_on(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Object(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| (s.to_owned(), json!({"condition": "service_started"})))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn restart(value: &Value) -> Value {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Bool(false) => "no".to_owned(),
        other => other.to_string(),
    };
    let (name, count) = match text.split_once(':') {
        Some((n, c)) => (n.to_owned(), c.parse::<u64>().unwrap_or(0)),
        None => (text, 0),
    };
    json!({"Name": name, "MaximumRetryCount": count})
}

fn healthcheck(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        match (k.as_str(), v) {
            ("interval" | "timeout" | "start_period", Value::String(s)) => {
                let nanos = parse_duration(s).map_or(0, |d| d.as_nanos() as u64);
                out.insert(k.clone(), Value::from(nanos));
            }
            ("disable", Value::Bool(true)) => {
                out.insert("test".into(), json!(["NONE"]));
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// Python's `json.dumps(v, sort_keys=True, separators=(',', ':'))`: keys sorted, no spaces,
/// non-ASCII escaped as `\uXXXX` (`ensure_ascii`).
fn python_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                python_string(k, out);
                out.push(':');
                python_json(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                python_json(v, out);
            }
            out.push(']');
        }
        Value::String(s) => python_string(s, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        Value::Number(n) => out.push_str(&n.to_string()),
    }
}

fn python_string(s: &str, out: &mut String) {
    let json = Value::String(s.to_owned()).to_string();
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_escapes_like_python() {
        let mut out = String::new();
        python_json(&json!({"b": [1, null, true], "a": "é\"x"}), &mut out);
        assert_eq!(out, r#"{"a":"\u00e9\"x","b":[1,null,true]}"#);
    }

    #[test]
    fn ports_as_service_port_tuples() {
        assert_eq!(
            ports(&json!("127.0.0.1:15000:80")),
            [json!([80, 15000, null, null, "127.0.0.1"])]
        );
        assert_eq!(
            ports(&json!("127.0.0.1::6379")),
            [json!([6379, null, null, null, "127.0.0.1"])]
        );
        assert_eq!(ports(&json!(6379)), [json!([6379, null, null, null, null])]);
        assert_eq!(
            ports(&json!("53:53/udp")),
            [json!([53, 53, "udp", null, null])]
        );
        assert_eq!(
            ports(&json!("6005-6007:80")),
            [json!([80, "6005-6007", null, null, null])]
        );
    }
}

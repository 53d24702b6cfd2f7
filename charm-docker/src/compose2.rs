//! The `com.docker.compose.config-hash` Docker Compose v2 (2.40.3) computes, so that
//! charm-docker recognises v2's containers as up to date.
//!
//! v2's hash is the hex SHA-256 of `encoding/json`'s `Marshal` of compose-go's
//! `types.ServiceConfig` after its loader's normalisation, with `build`, `pull_policy`,
//! `scale`, `depends_on`, `profiles` and `deploy.replicas` cleared
//! (docker/compose pkg/compose/hash.go `ServiceHash`@49b1c1e932aecd3a4843b392162d4bd56021935e,
//! tag v2.40.3). `up` hashes the service after `WithServicesEnvironmentResolved(true)`:
//! `env_file` read into `environment`, then dropped (compose-go types/project.go
//! @75fb1aba98ff8a944ebc5ea54f1054f1329e999c, tag v2.9.1, the version 2.40.3 builds with).
//! So the JSON is written here field by field in the struct's declaration order
//! (types/types.go `ServiceConfig`@75fb1ab), with Go's `omitempty` rules, map keys sorted and
//! Go's string escaping.
//!
//! Only keys whose rendering is reproduced exactly are hashed: a service using any other
//! key or form (listed in [`unsupported`]) gets no v2 hash, so a container of v2 is then
//! recreated, never wrongly kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::file::{Mount, Port};
use crate::{Project, Service};

/// v2's config hash of service `name` as `up` computes it, or `None` when the service uses
/// something this module does not render exactly.
pub(crate) fn compose2_hash(project: &Project, name: &str) -> Option<String> {
    let json = service_json(project, name)?;
    Some(
        Sha256::digest(json.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

/// The JSON text v2 hashes for service `name` (see the module docs).
pub(crate) fn service_json(project: &Project, name: &str) -> Option<String> {
    let service = project.file().service(name)?;
    let raw = project.file().raw_service(name).as_object()?;
    if unsupported(project, raw).is_some() {
        return None;
    }
    let mut o = Obj::new();
    strings(&mut o, "cap_add", raw.get("cap_add"))?;
    strings(&mut o, "cap_drop", raw.get("cap_drop"))?;
    if let Some(cpus) = service.cpus.filter(|c| *c != 0.0) {
        o.raw("cpus", go_float32(cpus as f32)?);
    }
    if let Some(shares) = service.cpu_shares.filter(|s| *s != 0) {
        o.raw("cpu_shares", shares.to_string());
    }
    o.raw("command", command(service.command.as_ref().map(|c| &c.0)));
    if let Some(configs) = raw.get("configs") {
        o.opt("configs", file_refs(configs, None)?);
    }
    o.str("container_name", service.container_name.as_deref());
    if let Some(deploy) = raw.get("deploy") {
        o.raw("deploy", self::deploy(service, deploy)?);
    }
    // The short form as compose-go expands it (transform/device.go
    // `transformDeviceMapping`@75fb1ab): target defaults to the source, permissions `rwm`.
    let devices = service
        .devices
        .iter()
        .map(|d| {
            let mut m = Obj::new();
            m.str("source", Some(&d.host));
            m.str("target", Some(&d.container));
            m.str("permissions", Some(&d.permissions));
            m.end()
        })
        .collect();
    o.opt("devices", array(devices));
    o.opt(
        "dns",
        array(service.dns.iter().map(|d| go_string(d)).collect()),
    );
    o.opt(
        "dns_search",
        array(service.dns_search.iter().map(|d| go_string(d)).collect()),
    );
    o.str("domainname", service.domainname.as_deref());
    o.raw(
        "entrypoint",
        command(service.entrypoint.as_ref().map(|c| &c.0)),
    );
    o.opt("environment", environment(&service.environment));
    if let Some(expose) = raw.get("expose") {
        let items: Vec<String> = expose
            .as_array()?
            .iter()
            .map(|v| scalar(v).map(|s| go_string(&s)))
            .collect::<Option<_>>()?;
        o.opt("expose", array(items));
    }
    // HostsList marshals as sorted `HOST=IP` (types/hostList.go `MarshalJSON`@75fb1ab).
    let mut hosts: Vec<String> = service
        .extra_hosts
        .iter()
        .map(|h| go_string(&format!("{}={}", h.host, h.ip)))
        .collect();
    hosts.sort();
    o.opt("extra_hosts", array(hosts));
    o.str("hostname", service.hostname.as_deref());
    if raw.contains_key("healthcheck") {
        o.raw("healthcheck", healthcheck(service.healthcheck.as_ref()?));
    }
    o.str("image", raw.get("image").and_then(Value::as_str));
    if let Some(init) = service.init {
        o.raw("init", init.to_string());
    }
    o.str("ipc", service.ipc.as_deref());
    o.opt("labels", string_map(&service.labels));
    strings(&mut o, "links", raw.get("links"))?;
    if let Some(logging) = &service.logging {
        let mut l = Obj::new();
        l.str("driver", logging.driver.as_deref());
        l.opt("options", string_map(&logging.options));
        o.raw("logging", l.end());
    }
    // UnitBytes marshals as a quoted number (types/bytes.go@75fb1ab).
    let unit_bytes = |b: Option<i64>| b.filter(|b| *b != 0).map(|b| go_string(&b.to_string()));
    o.opt("mem_limit", unit_bytes(service.mem_limit));
    o.opt("memswap_limit", unit_bytes(service.memswap_limit));
    o.str("mac_address", service.mac_address.as_deref());
    o.str("network_mode", service.network_mode.as_deref());
    if service.network_mode.is_none() {
        o.raw("networks", networks(raw.get("networks"))?);
    }
    o.str("pid", service.pid.as_deref());
    o.str("platform", service.platform.as_deref());
    if let Some(ports) = raw.get("ports") {
        o.opt("ports", self::ports(ports)?);
    }
    if service.privileged == Some(true) {
        o.raw("privileged", "true".into());
    }
    if service.read_only == Some(true) {
        o.raw("read_only", "true".into());
    }
    o.str("restart", service.restart.map(restart).as_deref());
    if let Some(secrets) = raw.get("secrets") {
        o.opt("secrets", file_refs(secrets, Some("/run/secrets/"))?);
    }
    strings(&mut o, "security_opt", raw.get("security_opt"))?;
    o.opt("shm_size", unit_bytes(service.shm_size));
    if service.stdin_open == Some(true) {
        o.raw("stdin_open", "true".into());
    }
    if let Some(d) = service.stop_grace_period {
        o.raw("stop_grace_period", go_string(&go_duration(d)));
    }
    o.str("stop_signal", service.stop_signal.as_deref());
    o.opt("sysctls", string_map(&service.sysctls));
    if let Some(tmpfs) = raw.get("tmpfs") {
        o.opt("tmpfs", string_list(tmpfs)?);
    }
    if service.tty == Some(true) {
        o.raw("tty", "true".into());
    }
    if let Some(ulimits) = raw.get("ulimits") {
        o.opt("ulimits", self::ulimits(ulimits)?);
    }
    o.str("user", service.user.as_deref());
    if let Some(volumes) = raw.get("volumes") {
        o.opt("volumes", self::volumes(project, volumes)?);
    }
    strings(&mut o, "volumes_from", raw.get("volumes_from"))?;
    o.str("working_dir", service.working_dir.as_deref());
    o.opt("post_start", hooks(&service.post_start));
    o.opt("pre_stop", hooks(&service.pre_stop));
    Some(o.end())
}

/// Service keys rendered here, and how deep.
const SERVICE_KEYS: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "depends_on",
    "volumes",
    "networks",
    "restart",
    "healthcheck",
    "labels",
    "working_dir",
    "user",
    "hostname",
    "init",
    "stop_signal",
    "stop_grace_period",
    "tty",
    "stdin_open",
    "scale",
    "deploy",
    "profiles",
    "expose",
    "container_name",
    "pull_policy",
    "platform",
    "network_mode",
    "secrets",
    "configs",
    "links",
    "cap_add",
    "cap_drop",
    "sysctls",
    "logging",
    "ipc",
    "volumes_from",
    "mac_address",
    "post_start",
    "pre_stop",
    "cpus",
    "cpu_shares",
    "devices",
    "dns",
    "dns_search",
    "domainname",
    "extra_hosts",
    "mem_limit",
    "memswap_limit",
    "pid",
    "privileged",
    "read_only",
    "security_opt",
    "shm_size",
    "tmpfs",
    "ulimits",
];

/// Why a service cannot be given v2's hash exactly: the first key or form outside what is
/// rendered here. `None` means every key is covered.
///
/// Not covered: `develop` (accepted and ignored by charm-docker, hashed by v2), an
/// `extra_hosts` address in brackets or a comma-separated list of them, references
/// v2 replaces by container ids at `up`
/// (`network_mode`/`ipc`/`pid: service:X`, `volumes_from` a service), paths under `~` (v2 expands
/// its own `HOME`), volume modes other than `ro`, `rw`, `z`/`Z` (binds) and `nocopy`
/// (volumes), long-form sub-options, secrets and
/// configs with `uid`/`gid`/`mode`, `deploy` keys other than `replicas`, `resources`
/// (cpus, memory, pids) and `restart_policy` (condition, max_attempts), network settings
/// other than `aliases`/`ipv4_address`/`ipv6_address`, and a project with a default host IP
/// (which v2 does not know about).
pub(crate) fn unsupported(project: &Project, raw: &Map<String, Value>) -> Option<String> {
    if project.default_host_ip().is_some() {
        return Some("the project's default host IP".into());
    }
    for (key, value) in raw {
        if key.starts_with("x-") {
            continue;
        }
        if !SERVICE_KEYS.contains(&key.as_str()) {
            return Some(key.clone());
        }
        let text = value.as_str().unwrap_or_default();
        let bad = match key.as_str() {
            "network_mode" | "ipc" | "pid" => text.starts_with("service:"),
            // Brackets and comma-separated addresses are read otherwise by compose-go.
            "extra_hosts" => {
                let entries: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    Value::Object(map) => map.values().collect(),
                    _ => Vec::new(),
                };
                entries
                    .iter()
                    .any(|e| e.as_str().is_none_or(|t| t.contains(['[', ','])))
            }
            "volumes_from" => value.as_array().is_none_or(|l| {
                l.iter()
                    .any(|v| !v.as_str().is_some_and(|s| s.starts_with("container:")))
            }),
            "deploy" => {
                !only_keys(value, &["replicas", "resources", "restart_policy"])
                    || value.get("resources").is_some_and(|r| {
                        !only_keys(r, &["limits", "reservations"])
                            || ["limits", "reservations"].iter().any(|k| {
                                r.get(*k)
                                    .is_some_and(|l| !only_keys(l, &["cpus", "memory", "pids"]))
                            })
                    })
                    || value
                        .get("restart_policy")
                        .is_some_and(|p| !only_keys(p, &["condition", "max_attempts"]))
            }
            "networks" => value.as_object().is_some_and(|m| {
                m.values().any(|n| {
                    !n.is_null() && !only_keys(n, &["aliases", "ipv4_address", "ipv6_address"])
                })
            }),
            "healthcheck" => !only_keys(
                value,
                &[
                    "test",
                    "interval",
                    "timeout",
                    "retries",
                    "start_period",
                    "start_interval",
                    "disable",
                ],
            ),
            "secrets" | "configs" => value.as_array().is_none_or(|l| {
                l.iter()
                    .any(|e| !e.is_string() && !only_keys(e, &["source", "target"]))
            }),
            "ports" => value.as_array().is_none_or(|l| {
                l.iter().any(|e| {
                    e.is_object()
                        && !only_keys(e, &["target", "published", "host_ip", "protocol", "mode"])
                })
            }),
            "volumes" => value.as_array().is_none_or(|l| {
                l.iter().any(|e| match e {
                    Value::String(s) => {
                        s.starts_with('~')
                            || s.split(':').nth(2).is_some_and(|m| {
                                m.split(',')
                                    .any(|o| !matches!(o, "ro" | "rw" | "z" | "Z" | "nocopy"))
                            })
                    }
                    Value::Object(_) => {
                        !only_keys(e, &["type", "source", "target", "read_only"])
                            || e.get("source")
                                .and_then(Value::as_str)
                                .is_some_and(|s| s.starts_with('~'))
                    }
                    _ => true,
                })
            }),
            "post_start" | "pre_stop" => value.as_array().is_some_and(|l| {
                l.iter().any(|h| {
                    !only_keys(
                        h,
                        &[
                            "command",
                            "user",
                            "privileged",
                            "working_dir",
                            "environment",
                        ],
                    )
                })
            }),
            _ => false,
        };
        if bad {
            return Some(key.clone());
        }
    }
    None
}

fn only_keys(value: &Value, allowed: &[&str]) -> bool {
    match value {
        Value::Object(m) => m
            .keys()
            .all(|k| k.starts_with("x-") || allowed.contains(&k.as_str())),
        Value::Null => true,
        _ => false,
    }
}

/// A Go struct or map being written: `"key":value` pairs in the order given.
struct Obj(String);

impl Obj {
    fn new() -> Obj {
        Obj(String::from("{"))
    }

    /// Always written (a field without `omitempty`, or one known to be non-empty).
    fn raw(&mut self, key: &str, json: String) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&go_string(key));
        self.0.push(':');
        self.0.push_str(&json);
    }

    /// `omitempty` on a string.
    fn str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.raw(key, go_string(v));
        }
    }

    /// `omitempty` on a slice or map, already rendered (`None` when empty).
    fn opt(&mut self, key: &str, json: Option<String>) {
        if let Some(json) = json {
            self.raw(key, json);
        }
    }

    fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A JSON array of rendered items, `None` when empty (`omitempty`).
fn array(items: Vec<String>) -> Option<String> {
    (!items.is_empty()).then(|| format!("[{}]", items.join(",")))
}

/// A `[]string` field from its raw list.
fn strings(o: &mut Obj, key: &str, raw: Option<&Value>) -> Option<()> {
    let Some(raw) = raw.filter(|v| !v.is_null()) else {
        return Some(());
    };
    let items: Vec<String> = raw
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(go_string))
        .collect::<Option<_>>()?;
    o.opt(key, array(items));
    Some(())
}

/// A `ShellCommand` (no `omitempty`: `null` when unset, `[]` when set empty).
fn command(words: Option<&Vec<String>>) -> String {
    match words {
        None => "null".into(),
        Some(words) => format!(
            "[{}]",
            words
                .iter()
                .map(|w| go_string(w))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// A Go `map[string]string`: keys sorted (a `BTreeMap` is), `None` when empty.
fn string_map(map: &BTreeMap<String, String>) -> Option<String> {
    let mut o = Obj::new();
    for (k, v) in map {
        o.raw(k, go_string(v));
    }
    (!map.is_empty()).then(|| o.end())
}

/// A `MappingWithEquals`: an unset variable is `null`.
fn environment(map: &BTreeMap<String, Option<String>>) -> Option<String> {
    let mut o = Obj::new();
    for (k, v) in map {
        o.raw(k, v.as_deref().map_or_else(|| "null".into(), go_string));
    }
    (!map.is_empty()).then(|| o.end())
}

/// A YAML scalar as compose-go reads it into a string.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn restart(r: crate::Restart) -> String {
    match r {
        crate::Restart::No => "no".into(),
        crate::Restart::Always => "always".into(),
        crate::Restart::UnlessStopped => "unless-stopped".into(),
        crate::Restart::OnFailure(None) => "on-failure".into(),
        crate::Restart::OnFailure(Some(n)) => format!("on-failure:{n}"),
    }
}

/// A `StringList` from one string or a list.
fn string_list(raw: &Value) -> Option<Option<String>> {
    match raw {
        Value::Null => Some(None),
        Value::String(s) => Some(array(vec![go_string(s)])),
        Value::Array(items) => Some(array(
            items
                .iter()
                .map(|v| v.as_str().map(go_string))
                .collect::<Option<_>>()?,
        )),
        _ => None,
    }
}

/// `map[string]*UlimitsConfig`: a single limit as its number (`{}` when 0), a pair as
/// `{"soft":N,"hard":N}` without zeros (types/types.go `UlimitsConfig.MarshalJSON`@75fb1ab).
fn ulimits(raw: &Value) -> Option<Option<String>> {
    let int = |v: &Value| -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let mut o = Obj::new();
    let map = raw.as_object()?;
    let sorted: BTreeMap<&String, &Value> = map.iter().collect();
    for (name, limit) in sorted {
        let json = match limit {
            Value::Object(pair) => {
                let mut p = Obj::new();
                for key in ["soft", "hard"] {
                    let n = int(pair.get(key)?)?;
                    if n != 0 {
                        p.raw(key, n.to_string());
                    }
                }
                p.end()
            }
            single => match int(single)? {
                0 => "{}".to_owned(),
                n => n.to_string(),
            },
        };
        o.raw(name, json);
    }
    Some((!map.is_empty()).then(|| o.end()))
}

/// `map[string]*ServiceNetworkConfig`: absent means `{"default":null}` (the loader's
/// default), a list means every entry `null`.
fn networks(raw: Option<&Value>) -> Option<String> {
    let mut o = Obj::new();
    match raw {
        None | Some(Value::Null) => o.raw("default", "null".into()),
        Some(Value::Array(items)) => {
            let mut names: Vec<&str> = items.iter().map(Value::as_str).collect::<Option<_>>()?;
            names.sort_unstable();
            names.dedup();
            for n in names {
                o.raw(n, "null".into());
            }
        }
        Some(Value::Object(map)) => {
            let sorted: BTreeMap<&String, &Value> = map.iter().collect();
            for (n, settings) in sorted {
                if settings.is_null() {
                    o.raw(n, "null".into());
                    continue;
                }
                let mut s = Obj::new();
                if let Some(aliases) = settings.get("aliases").filter(|a| !a.is_null()) {
                    let items: Vec<String> = aliases
                        .as_array()?
                        .iter()
                        .map(|a| a.as_str().map(go_string))
                        .collect::<Option<_>>()?;
                    s.opt("aliases", array(items));
                }
                for key in ["ipv4_address", "ipv6_address"] {
                    s.str(key, settings.get(key).and_then(Value::as_str));
                }
                o.raw(n, s.end());
            }
        }
        Some(_) => return None,
    }
    Some(o.end())
}

/// `[]ServicePortConfig`: the short syntax expanded one entry per container port, mode
/// `ingress`, protocol `tcp` unless given, the published port as text.
fn ports(raw: &Value) -> Option<Option<String>> {
    let mut items = Vec::new();
    for entry in raw.as_array()? {
        if let Value::Object(long) = entry {
            let mut p = Obj::new();
            p.str(
                "mode",
                Some(
                    long.get("mode")
                        .and_then(Value::as_str)
                        .unwrap_or("ingress"),
                ),
            );
            p.str("host_ip", long.get("host_ip").and_then(Value::as_str));
            let target = long.get("target").and_then(Value::as_u64).unwrap_or(0);
            if target != 0 {
                p.raw("target", target.to_string());
            }
            p.str(
                "published",
                long.get("published").and_then(scalar).as_deref(),
            );
            p.str(
                "protocol",
                Some(
                    long.get("protocol")
                        .and_then(Value::as_str)
                        .unwrap_or("tcp"),
                ),
            );
            items.push(p.end());
            continue;
        }
        for port in Port::parse(&scalar(entry)?).ok()? {
            let mut p = Obj::new();
            p.str("mode", Some("ingress"));
            let ip = port
                .host_ip
                .as_deref()
                .map(|ip| ip.trim_start_matches('[').trim_end_matches(']'));
            p.str("host_ip", ip);
            p.raw("target", port.container_port.to_string());
            let published = match (port.host_port, port.host_port_end) {
                (Some(a), Some(b)) if a != b => Some(format!("{a}-{b}")),
                (Some(a), _) => Some(a.to_string()),
                (None, _) => None,
            };
            p.str("published", published.as_deref());
            p.str("protocol", Some(port.protocol.as_str()));
            items.push(p.end());
        }
    }
    Some(array(items))
}

/// `[]ServiceVolumeConfig`: the short syntax gets `bind: {create_host_path: true}` or
/// `volume: {}`, the long one only what it says; relative host paths made absolute.
fn volumes(project: &Project, raw: &Value) -> Option<Option<String>> {
    let mut items = Vec::new();
    for entry in raw.as_array()? {
        let mut v = Obj::new();
        match entry {
            Value::String(spec) => {
                // compose-go loader/volume.go: `z`/`Z` is the bind's SELinux label, `nocopy`
                // the volume's; either on the other kind is left to v2 (no hash).
                let options: Vec<&str> = spec
                    .split(':')
                    .nth(2)
                    .map(|m| m.split(',').collect())
                    .unwrap_or_default();
                let selinux: Vec<&&str> = options
                    .iter()
                    .filter(|o| matches!(**o, "z" | "Z"))
                    .collect();
                let nocopy = options.contains(&"nocopy");
                let (kind, source, target, read_only, sub) = match Mount::parse(spec).ok()? {
                    Mount::Bind {
                        source,
                        target,
                        read_only,
                    } => {
                        if nocopy || selinux.len() > 1 {
                            return None;
                        }
                        let mut b = Obj::new();
                        b.str("selinux", selinux.first().map(|s| **s));
                        b.raw("create_host_path", "true".into());
                        let source = host_path(project, &source.display().to_string())?;
                        ("bind", Some(source), target, read_only, ("bind", b.end()))
                    }
                    Mount::Volume {
                        source,
                        target,
                        read_only,
                    } if selinux.is_empty() => (
                        "volume",
                        Some(source),
                        target,
                        read_only,
                        ("volume", nocopy_obj(nocopy)),
                    ),
                    Mount::Anonymous { target } if options.is_empty() => {
                        ("volume", None, target, false, ("volume", nocopy_obj(false)))
                    }
                    _ => return None,
                };
                v.str("type", Some(kind));
                v.str("source", source.as_deref());
                v.str("target", Some(&clean(&target)));
                if read_only {
                    v.raw("read_only", "true".into());
                }
                v.raw(sub.0, sub.1);
            }
            Value::Object(long) => {
                let kind = long.get("type").and_then(Value::as_str)?;
                if !matches!(kind, "bind" | "volume") {
                    return None;
                }
                v.str("type", Some(kind));
                let source = long.get("source").and_then(Value::as_str);
                let source = match (kind, source) {
                    ("bind", Some(s)) => Some(host_path(project, s)?),
                    (_, s) => s.map(str::to_owned),
                };
                v.str("source", source.as_deref());
                v.str(
                    "target",
                    long.get("target")
                        .and_then(Value::as_str)
                        .map(clean)
                        .as_deref(),
                );
                if long.get("read_only").and_then(Value::as_bool) == Some(true) {
                    v.raw("read_only", "true".into());
                }
            }
            _ => return None,
        }
        items.push(v.end());
    }
    Some(array(items))
}

/// `ServiceVolumeVolume` of the short syntax: `{}`, or `{"nocopy":true}`.
fn nocopy_obj(nocopy: bool) -> String {
    if nocopy { r#"{"nocopy":true}"# } else { "{}" }.to_owned()
}

/// Go's `path.Clean` of an absolute path: `.`, `..`, doubled and trailing slashes gone.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A bind source as v2 writes it: an absolute one as written, a relative one joined to the
/// project directory and cleaned (`filepath.Abs`); `None` when the project's directory is
/// relative (v2 would resolve it against its own working directory).
fn host_path(project: &Project, source: &str) -> Option<String> {
    if source.starts_with('/') {
        return Some(source.to_owned());
    }
    let path = crate::spec::resolve(project.working_dir(), std::path::Path::new(source));
    path.is_absolute()
        .then(|| clean(&path.display().to_string()))
}

/// `secrets:` (a missing target defaulted to `/run/secrets/<source>`, a relative one kept
/// as written) or `configs:` (a missing target left out).
fn file_refs(raw: &Value, secret_dir: Option<&str>) -> Option<Option<String>> {
    let mut items = Vec::new();
    for entry in raw.as_array()? {
        let (source, target) = match entry {
            Value::String(s) => (s.as_str(), None),
            Value::Object(m) => (
                m.get("source").and_then(Value::as_str)?,
                m.get("target").and_then(Value::as_str),
            ),
            _ => return None,
        };
        let target = match (secret_dir, target) {
            (Some(dir), None) => Some(format!("{dir}{source}")),
            (_, t) => t.map(str::to_owned),
        };
        let mut r = Obj::new();
        r.str("source", Some(source));
        r.str("target", target.as_deref());
        items.push(r.end());
    }
    Some(array(items))
}

/// `*DeployConfig` without `replicas`: `resources` and `placement` are structs, so always
/// written.
fn deploy(service: &Service, raw: &Value) -> Option<String> {
    let deploy = service.deploy.as_ref()?;
    let mut d = Obj::new();
    let mut resources = Obj::new();
    if let Some(r) = &deploy.resources {
        for (key, spec) in [("limits", &r.limits), ("reservations", &r.reservations)] {
            let Some(spec) = spec else { continue };
            let mut s = Obj::new();
            if let Some(cpus) = spec.cpus.filter(|c| *c != 0.0) {
                s.raw("cpus", go_float32(cpus as f32)?);
            }
            if let Some(memory) = spec.memory.filter(|m| *m != 0) {
                s.raw("memory", go_string(&memory.to_string()));
            }
            if let Some(pids) = spec.pids.filter(|p| *p != 0) {
                s.raw("pids", pids.to_string());
            }
            resources.raw(key, s.end());
        }
    }
    d.raw("resources", resources.end());
    if raw.get("restart_policy").is_some_and(|p| !p.is_null()) {
        let policy = deploy.restart_policy.as_ref()?;
        let mut p = Obj::new();
        p.str("condition", policy.condition.as_deref());
        if let Some(n) = policy.max_attempts {
            p.raw("max_attempts", n.to_string());
        }
        d.raw("restart_policy", p.end());
    }
    d.raw("placement", "{}".into());
    Some(d.end())
}

fn healthcheck(h: &crate::Healthcheck) -> String {
    let mut o = Obj::new();
    if let Some(test) = &h.test {
        o.raw("test", command(Some(test)));
    }
    let duration = |d: Option<Duration>| d.map(|d| go_string(&go_duration(d)));
    o.opt("timeout", duration(h.timeout));
    o.opt("interval", duration(h.interval));
    if let Some(r) = h.retries {
        o.raw("retries", r.to_string());
    }
    o.opt("start_period", duration(h.start_period));
    o.opt("start_interval", duration(h.start_interval));
    if h.disable {
        o.raw("disable", "true".into());
    }
    o.end()
}

fn hooks(hooks: &[crate::file::Hook]) -> Option<String> {
    let items = hooks
        .iter()
        .map(|h| {
            let mut o = Obj::new();
            o.raw("command", command(Some(&h.command.0)));
            o.str("user", h.user.as_deref());
            if h.privileged {
                o.raw("privileged", "true".into());
            }
            o.str("working_dir", h.working_dir.as_deref());
            o.opt("environment", environment(&h.environment));
            o.end()
        })
        .collect();
    array(items)
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1m30s`, `500ms`, `0s`.
fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    let fraction = |value: u128, unit: u128| {
        let whole = value / unit;
        let rest = value % unit;
        if rest == 0 {
            return whole.to_string();
        }
        let digits = unit.ilog10() as usize;
        let frac = format!("{rest:0digits$}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    };
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}µs", fraction(nanos, 1_000));
    }
    if nanos < 1_000_000_000 {
        return format!("{}ms", fraction(nanos, 1_000_000));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = (nanos / 60_000_000_000) % 60;
    let seconds = fraction(nanos % 60_000_000_000, 1_000_000_000);
    let mut out = String::new();
    if hours > 0 {
        let _ = write!(out, "{hours}h");
    }
    if hours > 0 || minutes > 0 {
        let _ = write!(out, "{minutes}m");
    }
    let _ = write!(out, "{seconds}s");
    out
}

/// A `float32` as `encoding/json` writes it (shortest form that reads back; Rust's
/// `Display` of an `f32` is that too), for the range where Go does not switch to exponents.
fn go_float32(f: f32) -> Option<String> {
    let abs = f.abs();
    (f.is_finite() && (abs == 0.0 || (1e-6..1e21).contains(&abs))).then(|| f.to_string())
}

/// A JSON string as `encoding/json` writes it: HTML-safe (`<`, `>`, `&` escaped), U+2028
/// and U+2029 escaped, other non-ASCII as UTF-8.
fn go_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_prints_them() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_millis(500), "500ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_nanos(1500), "1.5µs"),
            (Duration::from_nanos(7), "7ns"),
            (Duration::from_secs(10), "10s"),
            (Duration::from_secs(60), "1m0s"),
            (Duration::from_secs(90), "1m30s"),
            (Duration::from_secs(3600), "1h0m0s"),
            (Duration::from_millis(3_723_500), "1h2m3.5s"),
        ];
        for (d, want) in cases {
            assert_eq!(go_duration(d), want, "{d:?}");
        }
    }

    #[test]
    fn strings_as_go_escapes_them() {
        assert_eq!(
            go_string("a<b>&\"\\\n\u{1}é\u{2028}"),
            r#""a\u003cb\u003e\u0026\"\\\n\u0001é\u2028""#
        );
    }

    #[test]
    fn floats_as_go_writes_float32() {
        assert_eq!(go_float32(0.5).as_deref(), Some("0.5"));
        assert_eq!(go_float32(2.0).as_deref(), Some("2"));
        assert_eq!(go_float32(0.1).as_deref(), Some("0.1"));
        assert_eq!(go_float32(1e-9), None);
    }

    fn project(src: &str) -> Project {
        let file = crate::ComposeFile::from_str(src).unwrap();
        Project::new("p", "/srv/p", file).unwrap()
    }

    #[test]
    fn the_seed_service_as_v2_writes_it() {
        // `docker compose config --format json` of v2.40.3, compacted, for this service.
        let p = project(
            "services:\n  db: {image: charm-test/busybox, command: [sleep, \"3600\"], init: true}\n",
        );
        assert_eq!(
            service_json(&p, "db").unwrap(),
            r#"{"command":["sleep","3600"],"entrypoint":null,"image":"charm-test/busybox","init":true,"networks":{"default":null}}"#
        );
        // `docker compose config --hash db` of v2.40.3 on that file.
        assert_eq!(
            compose2_hash(&p, "db").unwrap(),
            "0ce4cf44b2559ba0348d5a86a8c965755af21f3b8bc3bd9a4ddfc39a66a48e4d"
        );
    }

    #[test]
    fn keys_not_rendered_exactly_give_no_hash() {
        for src in [
            "services:\n  a: {image: x, network_mode: \"service:b\"}\n  b: {image: x}\n",
            "services:\n  a: {image: x, ipc: \"service:b\"}\n  b: {image: x}\n",
            "services:\n  a: {image: x, pid: \"service:b\"}\n  b: {image: x}\n",
            "services:\n  a: {image: x, extra_hosts: [\"h=[::1]\"]}\n",
            "services:\n  a: {image: x, volumes_from: [b]}\n  b: {image: x}\n",
            "services:\n  a: {image: x, volumes: [\"./x:/x:z,Z\"]}\n",
            "services:\n  a: {image: x, volumes: [\"~/x:/x\"]}\n",
            "services:\n  a: {image: x, deploy: {mode: global}}\n",
            "services:\n  a: {image: x, develop: {watch: [{path: ., action: rebuild}]}}\n",
        ] {
            assert_eq!(compose2_hash(&project(src), "a"), None, "{src:?}");
        }
        let p = project("services:\n  a: {image: x, ports: [\"80\"]}\n")
            .with_default_host_ip(Some("127.0.0.1".into()));
        assert_eq!(compose2_hash(&p, "a"), None, "v2 knows no default host IP");
        let p = project("services:\n  a: {image: x, x-note: 1}\n");
        assert!(compose2_hash(&p, "a").is_some(), "x- keys are not hashed");
    }
}

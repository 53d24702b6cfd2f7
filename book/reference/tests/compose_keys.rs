//! The book's table of Compose keys (`book/src/generated/compose-keys.md`), generated from
//! two peers so it cannot drift: the keys are those of the Compose specification as
//! docker-compose 1.29.2 ships it (`compose/config/compose_spec.json`, installed by
//! `scripts/venv-compose.sh`) plus the newer ones Compose v2 reads, and each verdict is what
//! charm-docker's parser does with a file using that key. A key the specification gains
//! without a sample here, or a verdict that changes, makes the committed table stale;
//! `CHARM_BLESS=1 cargo test -p book-reference --test compose_keys` rewrites it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use charm_docker::{ComposeFile, Environment};

/// A value for each service key of the specification, and what else the file must declare
/// for it (a network, a secret, ...). Written as a user would, so the verdict is about the
/// key, not about a malformed value.
const SERVICE: &[(&str, &str, &str)] = &[
    ("annotations", "{com.example.a: b}", ""),
    ("attach", "false", ""),
    ("blkio_config", "{weight: 300}", ""),
    ("build", ".", ""),
    ("cap_add", "[NET_ADMIN]", ""),
    ("cap_drop", "[ALL]", ""),
    ("cgroup", "host", ""),
    ("cgroup_parent", "m-executor", ""),
    ("command", "[echo, hi]", ""),
    ("configs", "[c]", "configs: {c: {file: ./config.txt}}"),
    ("container_name", "c1", ""),
    ("cpu_count", "2", ""),
    ("cpu_percent", "50", ""),
    ("cpu_period", "100000", ""),
    ("cpu_quota", "50000", ""),
    ("cpu_rt_period", "1000", ""),
    ("cpu_rt_runtime", "500", ""),
    ("cpu_shares", "512", ""),
    ("cpus", "0.5", ""),
    ("cpuset", "\"0\"", ""),
    ("credential_spec", "{file: spec.json}", ""),
    ("depends_on", "[b]", ""),
    ("deploy", "{replicas: 1}", ""),
    ("develop", "{watch: [{path: ., action: rebuild}]}", ""),
    ("device_cgroup_rules", "[\"c 1:3 mr\"]", ""),
    ("devices", "[\"/dev/null:/dev/null\"]", ""),
    ("dns", "8.8.8.8", ""),
    ("dns_opt", "[use-vc]", ""),
    ("dns_search", "example.com", ""),
    ("domainname", "example.com", ""),
    ("entrypoint", "[sh, -c]", ""),
    ("env_file", "app.env", ""),
    ("environment", "{A: \"1\"}", ""),
    ("expose", "[\"80\"]", ""),
    ("extends", "{service: b}", ""),
    ("external_links", "[redis_1]", ""),
    ("extra_hosts", "[\"somehost:162.242.195.82\"]", ""),
    ("gpus", "all", ""),
    ("group_add", "[mail]", ""),
    ("healthcheck", "{test: [CMD, \"true\"], interval: 10s}", ""),
    ("hostname", "h", ""),
    ("image", "redis:7", ""),
    ("init", "true", ""),
    ("ipc", "shareable", ""),
    ("isolation", "default", ""),
    ("labels", "{com.example.a: b}", ""),
    ("links", "[b]", ""),
    ("logging", "{driver: json-file}", ""),
    ("mac_address", "\"02:42:ac:11:65:43\"", ""),
    ("mem_limit", "1g", ""),
    ("mem_reservation", "512m", ""),
    ("mem_swappiness", "10", ""),
    ("memswap_limit", "2g", ""),
    ("models", "[m]", "models: {m: {model: ai/smollm2}}"),
    ("network_mode", "host", ""),
    ("networks", "[n]", "networks: {n: {}}"),
    ("oom_kill_disable", "true", ""),
    ("oom_score_adj", "500", ""),
    ("pid", "host", ""),
    ("pids_limit", "10", ""),
    ("platform", "linux/amd64", ""),
    ("ports", "[\"5000:80\"]", ""),
    ("post_start", "[{command: [echo, hi]}]", ""),
    ("pre_start", "[{command: [echo, hi]}]", ""),
    ("pre_stop", "[{command: [echo, hi]}]", ""),
    ("privileged", "true", ""),
    ("profiles", "[debug]", ""),
    (
        "provider",
        "{type: model, options: {model: ai/smollm2}}",
        "",
    ),
    ("pull_policy", "always", ""),
    ("read_only", "true", ""),
    ("restart", "always", ""),
    ("runtime", "runc", ""),
    ("scale", "1", ""),
    ("secrets", "[s]", "secrets: {s: {file: ./secret.txt}}"),
    ("security_opt", "[\"label:user:USER\"]", ""),
    ("shm_size", "64m", ""),
    ("stdin_open", "true", ""),
    ("stop_grace_period", "10s", ""),
    ("stop_signal", "SIGTERM", ""),
    ("storage_opt", "{size: 1G}", ""),
    ("sysctls", "{net.core.somaxconn: 1024}", ""),
    ("tmpfs", "/run", ""),
    ("tty", "true", ""),
    ("ulimits", "{nofile: {soft: 1024, hard: 2048}}", ""),
    ("user", "\"1000\"", ""),
    ("userns_mode", "host", ""),
    ("uts", "host", ""),
    ("volumes", "[\"data:/data\"]", "volumes: {data: {}}"),
    ("volumes_from", "[b]", ""),
    ("working_dir", "/app", ""),
];

/// Keys of a top-level `networks:` entry.
const NETWORK: &[(&str, &str)] = &[
    ("attachable", "true"),
    ("driver", "bridge"),
    ("driver_opts", "{com.docker.network.bridge.name: br1}"),
    ("enable_ipv6", "true"),
    ("external", "true"),
    ("internal", "true"),
    ("ipam", "{config: [{subnet: 172.28.0.0/16}]}"),
    ("labels", "{com.example.a: b}"),
    ("name", "netname"),
];

/// Keys of a top-level `volumes:` entry.
const VOLUME: &[(&str, &str)] = &[
    ("driver", "local"),
    ("driver_opts", "{type: tmpfs, device: tmpfs}"),
    ("external", "true"),
    ("labels", "{com.example.a: b}"),
    ("name", "volname"),
];

/// Top-level keys other than the sections the tables above cover.
const TOP: &[(&str, &str)] = &[
    ("version", "version: \"3.9\""),
    ("name", "name: myproject"),
    ("include", "include: [included.yml]"),
    ("models", "models: {m: {model: ai/smollm2}}"),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The specification's keys, from docker-compose 1.29.2's own copy.
fn spec() -> serde_json::Value {
    let out = Command::new(workspace().join("scripts/venv-compose.sh"))
        .output()
        .expect("scripts/venv-compose.sh runs");
    assert!(
        out.status.success(),
        "scripts/venv-compose.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exe = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    let lib = exe.parent().unwrap().parent().unwrap().join("lib");
    let python = std::fs::read_dir(&lib)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("python3")
        })
        .expect("the venv has lib/python3.*");
    let path = python.join("site-packages/compose/config/compose_spec.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn keys(spec: &serde_json::Value, pointer: &str) -> BTreeSet<String> {
    spec.pointer(pointer)
        .and_then(|v| v.as_object())
        .unwrap_or_else(|| panic!("compose_spec.json has no {pointer}"))
        .keys()
        .filter(|k| !k.starts_with("x-"))
        .cloned()
        .collect()
}

/// A project directory with the files the samples name.
fn project_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("Dockerfile", "FROM scratch\n"),
        ("app.env", "A=1\n"),
        ("config.txt", "c\n"),
        ("secret.txt", "s\n"),
        ("included.yml", "services:\n  inc:\n    image: busybox\n"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// What charm-docker does with the file: `read`, or the refusal as it words it.
fn verdict(dir: &Path, key: &str, text: &str) -> String {
    let path = dir.join("compose.yml");
    std::fs::write(&path, text).unwrap();
    match ComposeFile::from_path_with(&path, &Environment::new()) {
        Ok(_) => "read".to_owned(),
        Err(e) => {
            let message = e.to_string();
            // "invalid PATH, line N: services.a: REASON": the path is a temporary one and
            // the key path is the row's, so the reason alone is the verdict.
            let reason = message
                .split_once(", line ")
                .and_then(|(_, rest)| rest.split_once(": "))
                .map_or(message.as_str(), |(_, reason)| reason);
            let reason = ["services.a: ", "networks.n: ", "volumes.v: "]
                .iter()
                .fold(reason, |r, p| r.strip_prefix(p).unwrap_or(r));
            if reason.starts_with("unknown field") {
                "refused: not implemented (the error names the key and line)".to_owned()
            } else {
                let reason = reason.strip_prefix(&format!("{key}: ")).unwrap_or(reason);
                format!("refused: {}", reason.trim().replace('|', "\\|"))
            }
        }
    }
}

fn service_file(key: &str, value: &str, extra: &str) -> String {
    let mut text = String::from("services:\n  a:\n");
    if key != "image" {
        text.push_str("    image: busybox\n");
    }
    writeln!(text, "    {key}: {value}\n  b:\n    image: busybox").unwrap();
    if !extra.is_empty() {
        writeln!(text, "{extra}").unwrap();
    }
    text
}

fn row(page: &mut String, key: &str, in_spec: bool, verdict: &str) {
    let origin = if in_spec { "1.29" } else { "v2" };
    writeln!(page, "| `{key}` | {origin} | {verdict} |").unwrap();
}

/// Each key of a section with the file that uses it.
type Samples = Vec<(String, String)>;

fn render() -> String {
    let spec = spec();
    let dir = project_dir();
    let mut page = String::from(
        "<!-- Generated by `CHARM_BLESS=1 cargo test -p book-reference --test compose_keys`; \
         do not edit. -->\n",
    );
    let sections: [(&str, &str, Samples); 3] = [
        (
            "Service keys (`services.<name>.<key>`)",
            "/definitions/service/properties",
            SERVICE
                .iter()
                .map(|(k, v, e)| (k.to_string(), service_file(k, v, e)))
                .collect(),
        ),
        (
            "Network keys (`networks.<name>.<key>`)",
            "/definitions/network/properties",
            NETWORK
                .iter()
                .map(|(k, v)| {
                    let text = format!(
                        "services:\n  a:\n    image: busybox\n    networks: [n]\n\
                         networks:\n  n:\n    {k}: {v}\n"
                    );
                    (k.to_string(), text)
                })
                .collect(),
        ),
        (
            "Volume keys (`volumes.<name>.<key>`)",
            "/definitions/volume/properties",
            VOLUME
                .iter()
                .map(|(k, v)| {
                    let text = format!(
                        "services:\n  a:\n    image: busybox\n    volumes: [\"v:/v\"]\n\
                         volumes:\n  v:\n    {k}: {v}\n"
                    );
                    (k.to_string(), text)
                })
                .collect(),
        ),
    ];
    let mut missing = Vec::new();
    for (heading, pointer, samples) in sections {
        let in_spec = keys(&spec, pointer);
        let sampled: BTreeSet<&str> = samples.iter().map(|(k, ..)| k.as_str()).collect();
        missing.extend(
            in_spec
                .iter()
                .filter(|k| !sampled.contains(k.as_str()))
                .map(|k| format!("{pointer}/{k}")),
        );
        writeln!(
            page,
            "\n#### {heading}\n\n| key | in the spec of | charm-docker |\n|---|---|---|"
        )
        .unwrap();
        for (key, text) in &samples {
            row(
                &mut page,
                key,
                in_spec.contains(key),
                &verdict(dir.path(), key, text),
            );
        }
    }
    let top = keys(&spec, "/properties");
    writeln!(
        page,
        "\n#### Top-level keys (besides `services`, `networks`, `volumes`, `secrets`, \
         `configs`)\n\n| key | in the spec of | charm-docker |\n|---|---|---|"
    )
    .unwrap();
    for (key, line) in TOP {
        let text = format!("{line}\nservices:\n  a:\n    image: busybox\n");
        row(
            &mut page,
            key,
            top.contains(*key),
            &verdict(dir.path(), key, &text),
        );
    }
    missing.extend(
        top.iter()
            .filter(|k| {
                !TOP.iter().any(|(t, _)| t == k)
                    && !["services", "networks", "volumes", "secrets", "configs"]
                        .contains(&k.as_str())
            })
            .map(|k| format!("/properties/{k}")),
    );
    assert!(
        missing.is_empty(),
        "keys of the Compose specification without a sample in tests/compose_keys.rs: {}",
        missing.join(", ")
    );
    page
}

#[test]
fn the_books_table_of_compose_keys_is_current() {
    let page = render();
    let path = workspace().join("book/src/generated/compose-keys.md");
    if std::env::var_os("CHARM_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &page).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == page,
        "{} is stale: regenerate it with `CHARM_BLESS=1 cargo test -p book-reference --test \
         compose_keys` and review the diff",
        path.display()
    );
}

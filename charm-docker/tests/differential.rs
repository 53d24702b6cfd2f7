//! Differential test against docker-compose 1.29 (`docker-compose config`, the real peer, in
//! the venv `scripts/venv-compose.sh` makes): on compose files written for this test, both
//! must accept or both refuse, and when both accept they must agree on the normalised model
//! (services, images, commands, environment, ports, volumes, networks). Every expectation
//! comes from running docker-compose; none is written by hand.
//!
//! Where the Compose specification has moved on since 1.29 (`${VAR:+r}`, long-form port
//! ranges and `host_ip`), charm-docker follows the specification: those inputs are listed
//! apart, and the test checks that 1.29 indeed refuses them while charm-docker accepts.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use charm_docker::{ComposeFile, Environment, Mount, Project};
use serde_json::{Value, json};

/// One input: a compose file, the variables both tools see, and an optional `.env`.
struct Case {
    name: &'static str,
    yaml: &'static str,
    vars: &'static [(&'static str, &'static str)],
    dotenv: Option<&'static str>,
    /// Other files beside it (env files, secrets, configs).
    files: &'static [(&'static str, &'static str)],
}

const fn case(name: &'static str, yaml: &'static str) -> Case {
    Case {
        name,
        yaml,
        vars: &[],
        dotenv: None,
        files: &[],
    }
}

const fn with(
    name: &'static str,
    yaml: &'static str,
    vars: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        name,
        yaml,
        vars,
        dotenv: None,
        files: &[],
    }
}

const VARS: &[(&str, &str)] = &[
    ("TAG", "7"),
    ("EMPTY", ""),
    ("PORT", "8080"),
    ("WORDS", "a b"),
    ("LEVEL", "debug"),
];

const CASES: &[Case] = &[
    // Interpolation, every form 1.29 shares with the specification.
    with(
        "plain-and-braced",
        "services:\n  web:\n    image: redis:$TAG\n    command: echo ${TAG} $TAG.x x${TAG}y [$UNSET] [${UNSET}]\n",
        VARS,
    ),
    with(
        "defaults",
        "services:\n  web:\n    image: redis:${UNSET:-latest}\n    command: [\"${EMPTY:-d1}\", \"${EMPTY-d2}\", \"${UNSET-d3}\", \"${TAG:-x}\", \"${UNSET:-a b:c}\"]\n",
        VARS,
    ),
    with(
        "required-set",
        "services:\n  web:\n    image: x:${TAG:?need a tag}\n    command: [\"${EMPTY?}\", \"${TAG?}\"]\n",
        VARS,
    ),
    with(
        "required-empty",
        "services:\n  web:\n    image: x:${EMPTY:?must not be empty}\n",
        VARS,
    ),
    with(
        "required-unset",
        "services:\n  web:\n    image: x\n    environment:\n      - P=${PASSWORD?set PASSWORD}\n",
        VARS,
    ),
    with(
        "required-unset-colon",
        "services:\n  web:\n    image: x\n    command: ${UNSET:?}\n",
        VARS,
    ),
    with(
        "dollar-dollar",
        "services:\n  web:\n    image: x\n    command: sh -c 'echo $$HOME $${TAG} $$$$'\n    environment:\n      SHELL_VAR: $$PATH\n      MIXED: \"$$${TAG}\"\n",
        VARS,
    ),
    with(
        "environment-forms",
        "services:\n  web:\n    image: x\n    environment:\n      - A=1\n      - LEVEL\n      - UNSET\n      - EMPTY\n      - B=x=y\n      - C=\n  db:\n    image: y\n    environment:\n      NUM: 5\n      LEVEL:\n      UNSET:\n      REF: ${LEVEL}-${TAG}\n",
        VARS,
    ),
    with(
        "interpolated-ports",
        "services:\n  web:\n    image: x\n    ports: [\"127.0.0.1:${PORT}:80\", \"${PORT:-1}:81\", \"${UNSET:-9000}:82/udp\"]\n",
        VARS,
    ),
    with(
        "interpolated-words",
        "services:\n  web:\n    image: x\n    command: echo $WORDS \"$WORDS\"\n",
        VARS,
    ),
    case(
        "bad-lone-dollar",
        "services:\n  web:\n    image: x\n    command: echo $\n",
    ),
    case(
        "bad-dollar-digit",
        "services:\n  web:\n    image: x\n    command: echo $1\n",
    ),
    case(
        "bad-unclosed",
        "services:\n  web:\n    image: \"x:${TAG\"\n",
    ),
    case(
        "bad-empty-braces",
        "services:\n  web:\n    image: \"x${}\"\n",
    ),
    case(
        "bad-space-in-braces",
        "services:\n  web:\n    image: \"x${ TAG}\"\n",
    ),
    case(
        "bad-modifier",
        "services:\n  web:\n    image: \"x${TAG:x}\"\n",
    ),
    Case {
        name: "dotenv",
        yaml: "services:\n  web:\n    image: x:${TAG}\n    command: echo ${FROM_FILE} ${QUOTED} ${BOTH}\n    environment: [FROM_FILE]\n",
        vars: &[("BOTH", "caller")],
        dotenv: Some("# defaults\nTAG=from-file\nFROM_FILE=f\nQUOTED='q v'\nBOTH=file\n"),
        files: &[],
    },
    // The features beyond the seed's.
    Case {
        name: "env-file",
        yaml: "services:\n  web:\n    image: x\n    env_file: [a.env, b.env]\n    environment: {OVER: env}\n",
        vars: &[],
        dotenv: None,
        files: &[
            ("a.env", "A=1\nOVER=a\nSHARED=a\n"),
            ("b.env", "# b\nB=2\nSHARED=b\n"),
        ],
    },
    Case {
        name: "secrets-and-configs",
        yaml: "version: \"3.8\"\nservices:\n  web:\n    image: x\n    secrets: [token, {source: token, target: other}]\n    configs: [conf]\nsecrets:\n  token: {file: ./token.txt}\nconfigs:\n  conf: {file: ./app.conf}\n",
        vars: &[],
        dotenv: None,
        files: &[("token.txt", "t\n"), ("app.conf", "c\n")],
    },
    case(
        "runtime-options",
        "services:\n  web:\n    image: x\n    container_name: fixed\n    expose: [\"3000\", 4000]\n    pull_policy: never\n    platform: linux/amd64\n    cap_add: [NET_ADMIN]\n    cap_drop: [MKNOD]\n    sysctls: {net.core.somaxconn: 1024}\n    logging: {driver: json-file, options: {max-size: 1m}}\n    ipc: shareable\n    links: [\"db:database\"]\n    volumes_from: [\"db:ro\"]\n    depends_on:\n      db: {condition: service_healthy}\n    deploy:\n      resources: {limits: {cpus: \"0.5\", memory: 64M}, reservations: {memory: 16M}}\n      restart_policy: {condition: on-failure, max_attempts: 3}\n  db:\n    image: y\n    network_mode: none\n",
    ),
    case(
        "ipam",
        "services:\n  web:\n    image: x\n    networks:\n      back:\n        ipv4_address: 10.5.0.5\n        aliases: [w]\nnetworks:\n  back:\n    ipam:\n      config: [{subnet: 10.5.0.0/16}]\n",
    ),
    case(
        "profiles",
        "services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: [debug]\n",
    ),
    case(
        "bad-include",
        "include: [other.yaml]\nservices:\n  web:\n    image: x\n",
    ),
    case(
        "bad-env-file-missing",
        "services:\n  web:\n    image: x\n    env_file: absent.env\n",
    ),
    case(
        "bad-link-unknown",
        "services:\n  web:\n    image: x\n    links: [nope]\n",
    ),
    case(
        "bad-network-mode-and-networks",
        "services:\n  web:\n    image: x\n    network_mode: host\n    networks: [n]\nnetworks:\n  n:\n",
    ),
    // Shapes of the model.
    case(
        "seed",
        "version: \"2\"\nservices:\n  vote:\n    image: lazypower/vote-example\n    command: python app.py\n    ports:\n      - \"5000:80\"\n  redis:\n    image: redis:alpine\n    ports: [\"6379\"]\n  worker:\n    image: lazypower/worker-example\n  db:\n    image: postgres:9.4\n  result:\n    image: lazypower/result-example\n    command: nodemon --debug server.js\n    ports:\n      - \"5001:80\"\n      - \"5858:5858\"\n",
    ),
    case(
        "ports",
        "services:\n  web:\n    image: x\n    ports: [\"8000-8001:80-81\", \"6379\", 5000, \"127.0.0.1::99\", \"127.0.0.1:9229:9229\", \"53:53/udp\", \"6005-6015:80\", \"1.2.3.4:6020-6021:90/udp\", {target: 70, published: 7000, protocol: udp}, {target: 71}]\n",
    ),
    case(
        "volumes",
        "services:\n  web:\n    image: x\n    volumes: [\"/cache\", \"./site:/www:ro\", \"site2:/www2\", \".:/app\", \"/etc/hosts:/etc/hosts:ro\", {type: bind, source: ./conf, target: /conf, read_only: true}, {type: volume, source: site2, target: /v}]\nvolumes:\n  site2:\n",
    ),
    case(
        "networks",
        "services:\n  web:\n    image: x\n    networks: [front, back]\n  db:\n    image: y\n    networks:\n      back:\n        aliases: [database]\n  other:\n    image: z\nnetworks:\n  front:\n  back:\n    internal: true\n",
    ),
    case(
        "extensions",
        "version: \"3.8\"\nx-common: &common\n  image: charm-test/busybox\n  environment: {A: \"1\"}\nservices:\n  web:\n    <<: *common\n    command: sleep 1\n    x-note: ignored\n  db:\n    image: y\nnetworks:\n  n:\n    x-owner: me\nvolumes:\n  v:\n    x-backup: daily\n",
    ),
    case(
        "no-services",
        "version: \"3.8\"\nnetworks:\n  front:\nvolumes:\n  data:\n",
    ),
    case(
        "depends-on",
        "services:\n  web:\n    image: x\n    depends_on: [db]\n  db:\n    image: y\n    depends_on:\n      cache: {condition: service_healthy}\n  cache:\n    image: z\n",
    ),
    // Malformed input.
    case(
        "bad-unknown-key",
        "services:\n  web:\n    image: x\n    imag: y\n",
    ),
    case(
        "bad-port-text",
        "services:\n  web:\n    image: x\n    ports: [\"a:80\"]\n",
    ),
    case("bad-no-image", "services:\n  web:\n    command: x\n"),
    case(
        "bad-unknown-dependency",
        "services:\n  web:\n    image: x\n    depends_on: [nope]\n",
    ),
    case(
        "bad-undeclared-volume",
        "services:\n  web:\n    image: x\n    volumes: [\"data:/data\"]\n",
    ),
    case("bad-services-list", "services:\n  - web\n"),
    case("bad-yaml", "services:\n  web: [\n"),
    case(
        "x-in-healthcheck",
        "services:\n  web:\n    image: x\n    healthcheck:\n      x-a: 1\n      test: \"true\"\n",
    ),
    case(
        "bad-dependency-cycle",
        "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
    ),
    // build: (context made absolute, Dockerfile, args resolved from the variables, ...).
    case("build-short", "services:\n  web:\n    build: .\n"),
    with(
        "build-long",
        "services:\n  web:\n    image: app:${TAG}\n    pull_policy: build\n    build:\n      context: .\n      dockerfile: Dockerfile.prod\n      args: [A=1, LEVEL]\n      target: runtime\n      cache_from: [app:cache]\n      labels: {team: web}\n      network: host\n",
        VARS,
    ),
    case(
        "build-args-map",
        "services:\n  web:\n    build:\n      context: .\n      args: {A: 1, B: \"two words\"}\n",
    ),
    case(
        "bad-build-context-missing",
        "services:\n  web:\n    build: ./nowhere\n",
    ),
    case(
        "bad-build-unknown-key",
        "services:\n  web:\n    build:\n      contxt: .\n",
    ),
    case(
        "bad-no-image-no-build",
        "services:\n  web:\n    command: x\n",
    ),
    // extends: the same file's service, then another file's (with its relative paths).
    case(
        "extends-same-file",
        "services:\n  base:\n    image: x\n    command: a b\n    environment: [A=1, B=2]\n    ports: ['8080:80']\n    volumes: ['d:/data', '/cache']\n  web:\n    extends: base\n    command: [c]\n    environment: {B: '3'}\n    ports: ['8081:81']\n    volumes: ['e:/logs']\nvolumes: {d: , e: }\n",
    ),
    Case {
        name: "extends-other-file",
        yaml: "services:\n  web:\n    extends: {file: base.yml, service: app}\n    environment: [EXTRA=1]\n",
        vars: &[],
        dotenv: None,
        files: &[(
            "base.yml",
            "services:\n  app:\n    image: app:1\n    environment: {FROM_BASE: b}\n    volumes: ['./site:/www:ro']\n    entrypoint: [run]\n",
        )],
    },
    case(
        "bad-extends-unknown-service",
        "services:\n  web:\n    extends: nope\n",
    ),
    case(
        "bad-extends-cycle",
        "services:\n  a: {image: x, extends: b}\n  b: {image: x, extends: a}\n",
    ),
];

/// Inputs where charm-docker follows the Compose specification and 1.29 predates it: 1.29
/// refuses them or reads them otherwise.
const SPEC_ONLY: &[Case] = &[
    // extends: a mount of the extending service replaces the base's at the same target (the
    // specification's merge rule, Compose v2's); 1.29 appends both and refuses the duplicate.
    case(
        "extends-volume-by-target",
        "services:\n  base:\n    image: x\n    volumes: ['d:/data']\n  web:\n    extends: base\n    volumes: ['e:/data']\nvolumes: {d: , e: }\n",
    ),
    // A name-only build arg that no variable sets: 1.29 passes it empty, Compose v2 not at
    // all (docker/compose pkg/compose/build.go resolveAndMergeBuildArgs@f72979427042 then
    // compose-go's ToMapping, which drops unset values), so the Dockerfile's default holds.
    case(
        "build-arg-unset",
        "services:\n  web:\n    build:\n      context: .\n      args: [UNSET]\n",
    ),
    case(
        "build-arg-null",
        "services:\n  web:\n    build:\n      context: .\n      args: {C: }\n",
    ),
    case(
        "boolean-environment-value",
        "services:\n  web:\n    image: x\n    environment:\n      DEBUG: true\n",
    ),
    with(
        "alternative-values",
        "services:\n  web:\n    image: x\n    command: [\"${TAG:+r1}\", \"${EMPTY:+r2}\", \"${EMPTY+r3}\", \"${UNSET+r4}\"]\n",
        VARS,
    ),
    with(
        "nested-default",
        "services:\n  web:\n    image: \"x:${UNSET:-${TAG}}\"\n",
        VARS,
    ),
    case(
        "long-form-published-range",
        "services:\n  web:\n    image: x\n    ports: [{target: 80, published: \"7000-7002\"}]\n",
    ),
    case(
        "depends-on-required-false",
        "services:\n  web:\n    image: x\n    depends_on:\n      gone: {condition: service_started, required: false}\n",
    ),
    case(
        "long-form-host-ip",
        "services:\n  web:\n    image: x\n    ports: [{target: 80, published: 7000, host_ip: 127.0.0.1}]\n",
    ),
];

/// Inputs 1.29's `config` lets through and its `up` then fails on (the engine refuses the
/// port or the path, or 1.29 finds the network undefined): charm-docker refuses them when
/// reading the file, naming the key and line.
const REFUSED_EARLIER: &[Case] = &[
    case(
        "bad-port",
        "services:\n  web:\n    image: x\n    ports: [\"70000:80\"]\n",
    ),
    case(
        "bad-undeclared-network",
        "services:\n  web:\n    image: x\n    networks: [nope]\n",
    ),
    case(
        "bad-relative-target",
        "services:\n  web:\n    image: x\n    volumes: [\"./a:rel\"]\n",
    ),
];

/// Inputs 1.29 accepts that charm-docker refuses on purpose, with the reason.
const REFUSED_ON_PURPOSE: &[Case] = &[case("version-1-format", "web:\n  image: x\n")];

fn write_case(dir: &Path, case: &Case) -> std::path::PathBuf {
    let path = dir.join("docker-compose.yml");
    std::fs::write(&path, case.yaml).unwrap();
    if let Some(dotenv) = case.dotenv {
        std::fs::write(dir.join(".env"), dotenv).unwrap();
    }
    for (name, text) in case.files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    path
}

/// docker-compose 1.29's verdict: its normalised model, or its error.
fn theirs(case: &Case, dir: &Path) -> Result<Value, String> {
    write_case(dir, case);
    let out = common::compose1_with(dir, Some("diff"), &["config"], case.vars);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let config: Value = charm_yaml::from_str(&text).unwrap();
    // `config` prints every literal `$` escaped again as `$$`.
    let config = unescape(config);
    Ok(normalise_theirs(&config))
}

/// charm-docker's verdict.
fn ours(case: &Case, dir: &Path) -> Result<Value, String> {
    let path = write_case(dir, case);
    let env = Environment::from_iter(case.vars.iter().copied());
    // `docker-compose config` shows every service, whatever its profiles.
    let project = Project::builder(&path)
        .name("diff")
        .profiles(["*"])
        .environment(env)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(normalise_ours(project.file(), dir))
}

fn unescape(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace("$$", "$")),
        Value::Array(items) => Value::Array(items.into_iter().map(unescape).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, unescape(v))).collect())
        }
        other => other,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `ip|host|container|protocol` per bound container port, expanding equal-length ranges.
fn port_key(ip: &str, host: &str, container: &str, protocol: &str) -> Vec<String> {
    let range = |t: &str| -> (u32, u32) {
        match t.split_once('-') {
            Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
            None => {
                let n = t.parse().unwrap();
                (n, n)
            }
        }
    };
    let (c0, c1) = range(container);
    if c0 == c1 {
        return vec![format!("{ip}|{host}|{c0}|{protocol}")];
    }
    let (h0, _) = if host.is_empty() { (0, 0) } else { range(host) };
    (c0..=c1)
        .enumerate()
        .map(|(i, c)| {
            let h = if host.is_empty() {
                String::new()
            } else {
                (h0 + i as u32).to_string()
            };
            format!("{ip}|{h}|{c}|{protocol}")
        })
        .collect()
}

fn normalise_theirs(config: &Value) -> Value {
    let mut services = BTreeMap::new();
    let empty = serde_json::Map::new();
    for (name, s) in config["services"].as_object().unwrap_or(&empty) {
        let command = |key: &str| match &s[key] {
            Value::Null => Value::Null,
            Value::String(line) => json!(charm_docker::file::shell_split(line).unwrap()),
            Value::Array(items) => Value::Array(items.iter().map(|i| json!(text(i))).collect()),
            other => panic!("{key}: {other}"),
        };
        let environment: BTreeMap<String, Value> = s["environment"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            if v.is_null() {
                                Value::Null
                            } else {
                                json!(text(v))
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut ports: Vec<String> = Vec::new();
        for p in s["ports"].as_array().into_iter().flatten() {
            match p {
                Value::Object(long) => ports.extend(port_key(
                    "",
                    &text(&long.get("published").cloned().unwrap_or(Value::Null)),
                    &text(&long["target"]),
                    long.get("protocol")
                        .and_then(Value::as_str)
                        .unwrap_or("tcp"),
                )),
                other => {
                    let spec = text(other);
                    let (addr, protocol) = spec.rsplit_once('/').unwrap_or((&spec, "tcp"));
                    let parts: Vec<&str> = addr.rsplitn(3, ':').collect();
                    let (c, h, ip) = match parts[..] {
                        [c] => (c, "", ""),
                        [c, h] => (c, h, ""),
                        [c, h, ip] => (c, h, ip),
                        _ => panic!("{spec}"),
                    };
                    ports.extend(port_key(ip, h, c, protocol));
                }
            }
        }
        ports.sort();
        let mut volumes: Vec<String> = Vec::new();
        for v in s["volumes"].as_array().into_iter().flatten() {
            let (source, target, ro) = match v {
                Value::Object(long) => (
                    long.get("source").map(text).unwrap_or_default(),
                    text(&long["target"]),
                    long.get("read_only")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                ),
                other => {
                    let spec = text(other);
                    let parts: Vec<&str> = spec.split(':').collect();
                    match parts[..] {
                        [t] => (String::new(), t.to_owned(), false),
                        [s, t] => (s.to_owned(), t.to_owned(), false),
                        [s, t, m] => (s.to_owned(), t.to_owned(), m.contains("ro")),
                        _ => panic!("{spec}"),
                    }
                }
            };
            let kind = if source.is_empty() {
                "anonymous"
            } else if source.starts_with('/') {
                "bind"
            } else {
                "volume"
            };
            volumes.push(format!("{kind}|{source}|{target}|{ro}"));
        }
        volumes.sort();
        let mut networks: Vec<String> = match &s["networks"] {
            Value::Object(m) => m.keys().cloned().collect(),
            Value::Array(items) => items.iter().map(text).collect(),
            _ => vec!["default".to_owned()],
        };
        networks.sort();
        let build = match &s["build"] {
            Value::Null => Value::Null,
            b => json!({
                "context": text(&b["context"]),
                "dockerfile": b.get("dockerfile").map(text),
                "args": b.get("args").cloned().map(|args| {
                    args.as_object().unwrap().iter().map(|(k, v)| {
                        (k.clone(), if v.is_null() { Value::Null } else { json!(text(v)) })
                    }).collect::<BTreeMap<String, Value>>()
                }).unwrap_or_default(),
                "target": b.get("target").map(text),
                "cache_from": b.get("cache_from").cloned().unwrap_or(json!([])),
                "labels": b.get("labels").cloned().unwrap_or(json!({})),
                "network": b.get("network").map(text),
            }),
        };
        // A built image the file does not name: 1.29 calls it `diff_web`, Compose v2 (which
        // charm-docker follows) `diff-web`.
        let image = match &s["image"] {
            Value::Null if !build.is_null() => format!("diff-{name}"),
            other => text(other),
        };
        services.insert(
            name.clone(),
            json!({
                "image": image,
                "build": build,
                "command": command("command"),
                "entrypoint": command("entrypoint"),
                "environment": environment,
                "ports": ports,
                "volumes": volumes,
                "networks": networks,
            }),
        );
    }
    json!(services)
}

fn normalise_ours(file: &ComposeFile, dir: &Path) -> Value {
    let mut services = BTreeMap::new();
    for (name, s) in file.services() {
        let command = |c: &Option<charm_docker::Command>| match c {
            None => Value::Null,
            Some(c) => json!(c.0),
        };
        let mut ports: Vec<String> = s
            .ports
            .iter()
            .map(|p| {
                let host = match (p.host_port, p.host_port_end) {
                    (Some(lo), Some(hi)) => format!("{lo}-{hi}"),
                    (Some(p), None) => p.to_string(),
                    (None, _) => String::new(),
                };
                format!(
                    "{}|{host}|{}|{}",
                    p.host_ip.as_deref().unwrap_or_default(),
                    p.container_port,
                    p.protocol
                )
            })
            .collect();
        ports.sort();
        let mut volumes: Vec<String> = s
            .volumes
            .iter()
            .map(|m| match m {
                Mount::Anonymous { target } => format!("anonymous||{target}|false"),
                Mount::Volume {
                    source,
                    target,
                    read_only,
                } => format!("volume|{source}|{target}|{read_only}"),
                Mount::Bind {
                    source,
                    target,
                    read_only,
                } => {
                    let joined: std::path::PathBuf = dir
                        .join(source)
                        .components()
                        .filter(|c| !matches!(c, std::path::Component::CurDir))
                        .collect();
                    format!("bind|{}|{target}|{read_only}", joined.display())
                }
            })
            .collect();
        volumes.sort();
        let mut networks: Vec<String> = s.networks.keys().cloned().collect();
        if networks.is_empty() {
            networks.push("default".to_owned());
        }
        networks.sort();
        let build = match &s.build {
            None => Value::Null,
            Some(b) => json!({
                "context": dir.join(&b.context).components()
                    .filter(|c| !matches!(c, std::path::Component::CurDir))
                    .collect::<std::path::PathBuf>().display().to_string(),
                "dockerfile": b.dockerfile,
                "args": b.args,
                "target": b.target,
                "cache_from": b.cache_from,
                "labels": b.labels,
                "network": b.network,
            }),
        };
        services.insert(
            name.clone(),
            json!({
                "image": s.image,
                "build": build,
                "command": command(&s.command),
                "entrypoint": command(&s.entrypoint),
                "environment": s.environment,
                "ports": ports,
                "volumes": volumes,
                "networks": networks,
            }),
        );
    }
    json!(services)
}

/// A tool's normalised model of a file, or its refusal.
type Verdict = Result<Value, String>;

/// Runs both tools over `cases` on a few threads (each docker-compose run costs half a second).
fn verdicts(cases: &'static [Case]) -> Vec<(&'static Case, Verdict, Verdict)> {
    let chunks: Vec<&[Case]> = cases.chunks(cases.len().div_ceil(6)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| {
                            let dir = tempfile::tempdir().unwrap();
                            (c, theirs(c, dir.path()), ours(c, dir.path()))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn charm_docker_agrees_with_docker_compose_1_29() {
    let mut failures = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for (case, theirs, ours) in verdicts(CASES) {
        match (&theirs, &ours) {
            (Ok(t), Ok(o)) if t == o => accepted += 1,
            (Err(_), Err(_)) => refused += 1,
            _ => failures.push(format!(
                "{}:\n  docker-compose 1.29: {}\n  charm-docker:        {}",
                case.name,
                show(&theirs),
                show(&ours)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
    // The set exercises both verdicts.
    assert!(
        accepted >= 15 && refused >= 15,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn where_the_specification_moved_on_charm_docker_follows_it() {
    for (case, theirs, ours) in verdicts(SPEC_ONLY) {
        assert!(ours.is_ok(), "{}: {}", case.name, show(&ours));
        assert_ne!(theirs, ours, "{}: 1.29 now agrees", case.name);
    }
}

#[test]
fn what_charm_docker_refuses_on_purpose_says_why() {
    for (case, theirs, ours) in verdicts(REFUSED_ON_PURPOSE) {
        assert!(
            theirs.is_ok(),
            "{}: 1.29 now refuses it: {}",
            case.name,
            show(&theirs)
        );
        let err = ours.unwrap_err();
        assert!(err.contains("is not supported: "), "{}: {err}", case.name);
    }
}

#[test]
fn what_1_29_defers_to_the_engine_charm_docker_refuses_when_reading() {
    for (case, theirs, ours) in verdicts(REFUSED_EARLIER) {
        assert!(
            theirs.is_ok(),
            "{}: 1.29 now refuses it: {}",
            case.name,
            show(&theirs)
        );
        let err = ours.unwrap_err();
        assert!(
            err.contains(", line ") && err.contains("services.web"),
            "{}: {err}",
            case.name
        );
    }
}

fn show(v: &Result<Value, String>) -> String {
    match v {
        Ok(v) => v.to_string(),
        Err(e) => format!("refused: {e}"),
    }
}

//! The compose model against every shape of compose.md, every error (key and line), and
//! hostile input.

use super::*;
use crate::{Environment, Error, file::PullPolicy};

fn parse(src: &str) -> ComposeFile {
    match ComposeFile::from_str(src) {
        Ok(file) => file,
        Err(e) => panic!("{e}\n---\n{src}"),
    }
}

/// The error's line and message, asserting it is an `InvalidFile`.
fn invalid(src: &str) -> (Option<usize>, String) {
    match ComposeFile::from_str(src) {
        Err(Error::InvalidFile { line, message, .. }) => (line, message),
        other => panic!("expected InvalidFile, got {other:?}\n---\n{src}"),
    }
}

const SEED: &str = r#"version: "2"
services:
  vote:
    image: lazypower/vote-example
    command: python app.py
    ports:
      - "5000:80"
  redis:
    image: redis:alpine
    ports: ["6379"]
  worker:
    image: lazypower/worker-example
  db:
    image: postgres:9.4
  result:
    image: lazypower/result-example
    command: nodemon --debug server.js
    ports:
      - "5001:80"
      - "5858:5858"
"#;

#[test]
fn seed_file() {
    let file = parse(SEED);
    assert_eq!(file.services().len(), 5);
    let vote = file.service("vote").unwrap();
    assert_eq!(vote.command.as_ref().unwrap().0, ["python", "app.py"]);
    assert_eq!(vote.ports, Port::parse("5000:80").unwrap());
    let redis = file.service("redis").unwrap();
    assert_eq!(
        (redis.ports[0].host_port, redis.ports[0].container_port),
        (None, 6379)
    );
    assert_eq!(file.service("result").unwrap().ports.len(), 2);
    assert_eq!(file.order(), ["db", "redis", "result", "vote", "worker"]);
}

#[test]
fn every_shape() {
    let file = parse(
        r#"
version: "3.8"
name: demo
services:
  web:
    image: charm-test/busybox
    entrypoint: ["/bin/sh", "-c"]
    command: ["httpd -f -p 80", 3]
    ports:
      - 8080
      - "127.0.0.1:9229:9229"
      - 53:53/udp
      - {target: 81, published: "8081", host_ip: 127.0.0.1}
    environment:
      - A=1
      - B=x=y
      - FROM_SHELL
    depends_on:
      db: {condition: service_healthy}
      cache:
        condition: service_started
      init: {condition: service_completed_successfully}
    volumes:
      - data:/data
      - ./site:/www:ro
      - /cache
      - {type: bind, source: /etc, target: /host-etc, read_only: true}
    networks:
      front:
        aliases: [www]
      back:
    restart: on-failure:5
    labels: [team=web, bare]
    init: true
    stop_grace_period: 1m30s
    scale: 2
  db:
    image: postgres
    environment: {N: 1, F: 1.5, T: true, NULL: null, S: text}
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 10s
      timeout: 1m30s
      start_period: 500ms
      retries: 5
    networks: [back]
    restart: "no"
  cache:
    image: redis
    command: redis-server --save "" --appendonly no
    healthcheck: {disable: true}
  init:
    image: busybox
    command: 'sh -c "echo done"'
    restart: always
    deploy: {replicas: 0}
networks:
  front:
  back: {driver: bridge, internal: true, labels: {a: b}}
  outside: {external: true, name: shared}
volumes:
  data:
  other: {external: true}
"#,
    );
    assert_eq!(file.name(), Some("demo"));
    let web = file.service("web").unwrap();
    assert_eq!(web.entrypoint.as_ref().unwrap().0, ["/bin/sh", "-c"]);
    assert_eq!(web.command.as_ref().unwrap().0, ["httpd -f -p 80", "3"]);
    assert_eq!(web.ports.len(), 4);
    assert_eq!(web.ports[0].container_port, 8080);
    assert_eq!(web.ports[2].protocol, Protocol::Udp);
    assert_eq!(web.ports[3].host_port, Some(8081));
    assert_eq!(web.environment["A"].as_deref(), Some("1"));
    assert_eq!(web.environment["B"].as_deref(), Some("x=y"));
    assert_eq!(web.environment["FROM_SHELL"], None);
    assert_eq!(web.depends_on["db"].condition, Condition::ServiceHealthy);
    assert_eq!(
        web.depends_on["init"].condition,
        Condition::ServiceCompletedSuccessfully
    );
    assert_eq!(web.volumes.len(), 4);
    assert!(matches!(
        &web.volumes[3],
        Mount::Bind {
            read_only: true,
            ..
        }
    ));
    assert_eq!(web.networks["front"].aliases, ["www"]);
    assert_eq!(web.restart, Some(Restart::OnFailure(Some(5))));
    assert_eq!(web.labels["bare"], "");
    assert_eq!(
        web.stop_grace_period,
        Some(std::time::Duration::from_secs(90))
    );
    assert_eq!(web.replicas(), 2);
    let db = file.service("db").unwrap();
    assert_eq!(db.environment["N"].as_deref(), Some("1"));
    assert_eq!(db.environment["F"].as_deref(), Some("1.5"));
    assert_eq!(db.environment["T"].as_deref(), Some("true"));
    assert_eq!(db.environment["NULL"], None);
    let hc = db.healthcheck.as_ref().unwrap();
    assert_eq!(hc.test.as_deref().unwrap(), ["CMD", "pg_isready"]);
    assert_eq!(hc.retries, Some(5));
    assert_eq!(db.restart, Some(Restart::No));
    let cache = file.service("cache").unwrap();
    assert_eq!(
        cache.command.as_ref().unwrap().0,
        ["redis-server", "--save", "", "--appendonly", "no"]
    );
    assert!(cache.healthcheck.as_ref().unwrap().disable);
    assert_eq!(file.service("init").unwrap().replicas(), 0);
    assert!(file.networks()["back"].internal);
    assert!(file.networks()["outside"].external);
    assert!(file.volumes()["other"].external);
    assert_eq!(file.order(), ["cache", "db", "init", "web"]);
}

#[test]
fn null_and_empty_values() {
    let file = parse(
        "services:\n  a:\n    image: x\n    ports:\n    environment:\n    volumes:\n    networks:\n    depends_on:\n    labels:\nnetworks:\nvolumes:\n",
    );
    let a = file.service("a").unwrap();
    assert!(a.ports.is_empty() && a.environment.is_empty() && a.volumes.is_empty());
    assert!(file.networks().is_empty() && file.volumes().is_empty());
}

#[test]
fn errors_name_key_and_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "services:\n  vote:\n    image: x\n    imag: y\n",
            4,
            "unknown field `imag`",
        ),
        (
            "services:\n  vote:\n    image: x\n    ports:\n      - \"50:abc\"\n",
            5,
            "services.vote.ports[0]",
        ),
        (
            "services:\n  vote:\n    image: x\n    ports: [\"70000\"]\n",
            4,
            "not a port number",
        ),
        (
            "services:\n  vote:\n    image: x\n    depends_on: [nope]\n",
            4,
            "service \"nope\" is not declared",
        ),
        (
            "services:\n  vote:\n    image: x\n    depends_on:\n      nope: {condition: service_healthy}\n",
            5,
            "nope",
        ),
        (
            "services:\n  a:\n    image: x\n    depends_on:\n      a: {condition: service_ready}\n",
            5,
            "unknown variant `service_ready`",
        ),
        (
            "services:\n  vote:\n    image: x\n    networks: [front]\nnetworks:\n  back:\n",
            4,
            "network \"front\" is not declared",
        ),
        (
            "services:\n  vote:\n    image: x\n    volumes: ['data:/data']\n",
            4,
            "volume \"data\" is not declared",
        ),
        (
            "services:\n  vote:\n    image: x\n    healthcheck:\n      interval: 10\n",
            5,
            "healthcheck.interval",
        ),
        (
            "services:\n  vote:\n    image: x\n    healthcheck:\n      interval: 10q\n",
            5,
            "unknown unit",
        ),
        (
            "services:\n  vote:\n    image: x\n    healthcheck:\n      test: [sh, x]\n",
            5,
            "CMD, CMD-SHELL or NONE",
        ),
        (
            "services:\n  vote:\n    image: x\n    command: \"echo 'oops\"\n",
            4,
            "unterminated single quote",
        ),
        (
            "services:\n  vote:\n    command: x\n",
            2,
            "services.vote: image is missing or empty, and there is no build:",
        ),
        (
            "services:\n  vote:\n    image: x\n    restart: sometimes\n",
            4,
            "invalid restart policy",
        ),
        (
            "services:\n  vote:\n    image: x\n    environment: {'': x}\n",
            4,
            "empty variable name",
        ),
        (
            "services:\n  vote:\n    image: x\n    volumes: ['relative:path']\n",
            4,
            "not absolute",
        ),
        (
            "services:\n  vote:\n    image: x\n    scale: -1\n",
            4,
            "scale",
        ),
        (
            "services:\n  \"bad name\":\n    image: x\n",
            2,
            "invalid service name",
        ),
        ("foo: 1\nservices: {}\n", 1, "unknown top-level key `foo`"),
        (
            "services:\n  vote:\n    image: x\nnetworks:\n  n: {drive: x}\n",
            5,
            "unknown field `drive`",
        ),
        ("services:\n  vote: [x]\n", 2, "services.vote"),
        (
            "services:\n  a:\n    image: x\n  a:\n    image: y\n",
            4,
            "duplicate",
        ),
        (
            "services:\n  vote:\n    image: x\n    depends_on:\n      - redis\n      - nope\n  redis:\n    image: y\n",
            6,
            "\"nope\"",
        ),
        (
            "services:\n  vote:\n    image: x\n    networks:\n      - a\n      - b\nnetworks:\n  a:\n",
            6,
            "network \"b\"",
        ),
        (
            "services:\n  vote:\n    image: x\n    networks:\n      a:\n      b:\nnetworks:\n  a:\n",
            6,
            "network \"b\"",
        ),
        (
            "services:\n  vote:\n    image: x\n    environment:\n      - A=1\n      - =2\n",
            6,
            "empty variable name",
        ),
        (
            "services:\n  vote:\n    image: x\n    environment:\n      A: 1\n      B C: 2\n",
            6,
            "whitespace",
        ),
        (
            "services:\n  vote:\n    image: x\n    volumes:\n      - /ok\n      - data:/x\n",
            6,
            "volume \"data\"",
        ),
        (
            "services:\n  a: {image: x}\nvolumes:\n  v:\n  v:\n",
            5,
            "duplicate",
        ),
    ];
    let mut failures = Vec::new();
    for (src, line, needle) in cases {
        let (got_line, message) = invalid(src);
        if got_line != Some(*line) || !message.contains(needle) {
            failures.push(format!(
                "line {got_line:?} (want {line}): {message:?} (want {needle:?})\n{src}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn cycles_are_reported() {
    let (line, message) = invalid(
        "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
    );
    assert_eq!(line, None);
    assert!(message.contains("cycle among services a, b"), "{message}");
    let (_, message) = invalid("services:\n  a:\n    image: x\n    depends_on: [a]\n");
    assert!(message.contains("cycle"), "{message}");
}

#[test]
fn error_renders_short_with_line() {
    let err = ComposeFile::from_str("services:\n  vote:\n    image: x\n    imag: y\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid compose file, line 4: services.vote: unknown field `imag`"),
        "{err}"
    );
}

#[test]
fn hostile_inputs_never_panic() {
    let deep = "[".repeat(10_000);
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nservices: {}\n";
    let hostile = [
        "",
        "~",
        "[]",
        "services:",
        "services: 3",
        deep.as_str(),
        laughs,
        "services:\n  a:\n    image: x\n    ports: [\"99999999999999999999:1\"]\n",
        "services:\n  a:\n    image: x\n    ports: [\"1-65535:1-2\"]\n",
        "services:\n  a:\n    image: x\n    ports: [-1]\n",
        "services:\n  a:\n    image: x\n    healthcheck: {interval: \"99999999999999999999h\"}\n",
        "services:\n  a:\n    image: x\n    healthcheck: {retries: 99999999999}\n",
        "services:\n  a:\n    image: x\n    command: \"\\\\\"\n",
        "services:\n  a:\n    image: x\n    environment: [\"=\"]\n",
        "services:\n  a:\n    image: \"\\u0000\"\n    environment: {\"\\u00e9\": \"\\u0000\"}\n",
        "services:\n  a: !!binary aGVsbG8=\n",
        "services:\n  a:\n    image: x\n    ports: [\"[::1:80:80\"]\n",
        "services:\n  a:\n    image: x\n    volumes: [\":::\"]\n",
        "\u{feff}services: {}\n",
        "services: {a: {image: x, depends_on: {a: }}}",
        "--- !tag\nservices: {}\n",
        "services: {}\n---\nservices: {}\n",
    ];
    for src in hostile {
        // Any result is fine; a panic fails the test.
        let _ = ComposeFile::from_str(src);
    }
    let mut long_ports =
        String::from("services:\n  a:\n    image: x\n    ports: [\"1-65535:1-65535/udp\"]\n");
    long_ports.push('\n');
    let file = ComposeFile::from_str(&long_ports).unwrap();
    assert_eq!(file.service("a").unwrap().ports.len(), 65535);
}

fn parse_with(src: &str, vars: &[(&str, &str)]) -> ComposeFile {
    let env = Environment::from_iter(vars.iter().copied());
    ComposeFile::from_str_with(src, &env).unwrap_or_else(|e| panic!("{e}\n---\n{src}"))
}

#[test]
fn values_are_interpolated_from_the_callers_environment_only() {
    let src = r#"
services:
  web:
    image: "charm-test/busybox:${TAG:-latest}"
    command: sh -c "echo $$HOME ${GREETING-hi} $UNSET"
    ports: ["127.0.0.1:${PORT}:80", "${RANGE}:90-91"]
    environment:
      - LEVEL=${LEVEL:?set LEVEL}
      - PASSTHROUGH
      - HOME
    scale: ${N}
    init: ${INIT}
    healthcheck:
      test: ["CMD-SHELL", "test -f $${MARKER}"]
      interval: ${EVERY:-1s}
    labels: {"${KEY}": "${VALUE:+set}"}
"#;
    let file = parse_with(
        src,
        &[
            ("PORT", "8080"),
            ("RANGE", "9000-9001"),
            ("LEVEL", "debug"),
            ("PASSTHROUGH", "p"),
            ("N", "2"),
            ("INIT", "true"),
            ("VALUE", "v"),
        ],
    );
    let web = file.service("web").unwrap();
    assert_eq!(web.image, "charm-test/busybox:latest");
    assert_eq!(
        web.command.as_ref().unwrap().0,
        ["sh", "-c", "echo $HOME hi "]
    );
    assert_eq!(web.ports[0].host_port, Some(8080));
    assert_eq!(web.ports[1].host_port, Some(9000));
    assert_eq!(web.ports[2].container_port, 91);
    assert_eq!(web.environment["LEVEL"].as_deref(), Some("debug"));
    assert_eq!(web.environment["PASSTHROUGH"].as_deref(), Some("p"));
    assert_eq!(web.environment["HOME"], None, "not from the process");
    assert_eq!(web.replicas(), 2);
    assert_eq!(web.init, Some(true));
    let hc = web.healthcheck.as_ref().unwrap();
    assert_eq!(hc.test.as_ref().unwrap()[1], "test -f ${MARKER}");
    assert_eq!(hc.interval, Some(std::time::Duration::from_secs(1)));
    // Keys are not interpolated; values are.
    assert_eq!(web.labels["${KEY}"], "set");
}

#[test]
fn interpolation_errors_name_variable_key_and_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "services:\n  db:\n    image: x\n    environment:\n      - PASSWORD=${DB_PASSWORD:?set db-password}\n",
            5,
            "services.db.environment[0]: required variable DB_PASSWORD is missing a value: set db-password",
        ),
        (
            "services:\n  db:\n    image: ${IMAGE?}\n",
            3,
            "services.db.image: required variable IMAGE is missing a value",
        ),
        (
            "services:\n  db:\n    image: x\n    command: echo $1\n",
            4,
            "services.db.command: invalid interpolation format in \"echo $1\"",
        ),
        (
            "services:\n  db:\n    image: x\n    healthcheck:\n      test: \"cat ${FILE\"\n",
            5,
            "unclosed",
        ),
        (
            "services:\n  db:\n    image: x\n    scale: ${N:-two}\n",
            4,
            "services.db.scale: invalid type: string \"two\"",
        ),
    ];
    let mut failures = Vec::new();
    for (src, line, needle) in cases {
        let (got_line, message) = invalid(src);
        if got_line != Some(*line) || !message.contains(needle) {
            failures.push(format!(
                "line {got_line:?} (want {line}): {message:?} (want {needle:?})\n{src}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn extension_fields_are_accepted_where_the_specification_allows_them() {
    let file = parse(
        r#"
x-common: &common
  image: charm-test/busybox
  init: true
x-unused: {deep: [1, "$not interpolated"]}
services:
  web:
    <<: *common
    x-notes: ignored
  db:
    image: x
    networks: [back]
    volumes: ["data:/data"]
networks:
  back:
    x-owner: me
volumes:
  data:
    x-backup: daily
"#,
    );
    assert_eq!(file.service("web").unwrap().image, "charm-test/busybox");
    assert_eq!(file.service("web").unwrap().init, Some(true));
    assert!(file.networks().contains_key("back"));
    // In any structure, as the specification says; other unknown keys are still refused.
    let file = parse("services:\n  a:\n    image: x\n    healthcheck:\n      x-a: 1\n");
    assert!(file.service("a").unwrap().healthcheck.is_some());
    let (line, message) =
        invalid("services:\n  a:\n    image: x\n    healthcheck:\n      y-a: 1\n");
    assert_eq!(line, Some(5));
    assert!(message.contains("unknown field `y-a`"), "{message}");
}

#[test]
fn a_file_without_services_is_accepted() {
    let file = parse("networks:\n  front:\nvolumes:\n  data:\n");
    assert!(file.services().is_empty());
    assert!(file.networks().contains_key("front"));
    assert!(parse("").services().is_empty());
    assert!(parse("x-only: 1\n").services().is_empty());
}

#[test]
fn dotenv_beside_the_file_is_read_and_the_caller_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "TAG=from-file\nPORT=1234\n").unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  a:\n    image: x:${TAG}\n    ports: [\"${PORT}:80\"]\n",
    )
    .unwrap();
    let file = ComposeFile::from_path(&path).unwrap();
    assert_eq!(file.service("a").unwrap().image, "x:from-file");
    let env = Environment::from_iter([("TAG", "mine")]);
    let file = ComposeFile::from_path_with(&path, &env).unwrap();
    assert_eq!(file.service("a").unwrap().image, "x:mine");
    assert_eq!(file.service("a").unwrap().ports[0].host_port, Some(1234));
    std::fs::write(dir.path().join(".env"), "TAG=1\nbroken\n").unwrap();
    let err = ComposeFile::from_path(&path).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidFile { line: Some(2), file, .. } if file.ends_with(".env")),
        "{err:?}"
    );
}

pub(crate) const FEATURES: &str = r#"
services:
  app:
    image: charm-test/busybox
    container_name: the-app
    profiles: [web]
    expose: ["3000", 4000, "5000-5001/udp"]
    env_file: [app.env, {path: missing.env, required: false}]
    environment: {FROM_BOTH: environment}
    pull_policy: never
    platform: linux/amd64
    secrets: [token, {source: token, target: /etc/token}]
    configs: [{source: conf, target: app.conf}]
    links: ["db:database"]
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    sysctls: {net.core.somaxconn: 1024}
    logging: {driver: json-file, options: {max-size: 10m, max-file: 3}}
    ipc: "service:db"
    volumes_from: ["db:ro"]
    networks:
      back:
        ipv4_address: 172.28.5.4
    depends_on:
      db: {condition: service_started, required: true, restart: true}
      optional: {condition: service_started, required: false}
    deploy:
      resources:
        limits: {cpus: "0.5", memory: 64M, pids: 100}
        reservations: {memory: 16m}
      restart_policy: {condition: on-failure, max_attempts: 3}
  db:
    image: charm-test/busybox
    network_mode: "none"
secrets:
  token: {file: ./token.txt}
configs:
  conf: {file: ./app.conf}
networks:
  back:
    ipam:
      config: [{subnet: 172.28.0.0/16}]
"#;

#[test]
fn the_features_real_files_use() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.env"), "FROM_FILE=f\nFROM_BOTH=file\n").unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, FEATURES).unwrap();
    let file = ComposeFile::from_path(&path).unwrap();
    let app = file.service("app").unwrap();
    assert_eq!(app.container_name.as_deref(), Some("the-app"));
    assert_eq!(app.profiles, ["web"]);
    assert_eq!(app.expose, ["3000/tcp", "4000/tcp", "5000/udp", "5001/udp"]);
    assert_eq!(app.environment["FROM_FILE"].as_deref(), Some("f"));
    assert_eq!(
        app.environment["FROM_BOTH"].as_deref(),
        Some("environment"),
        "environment wins over env_file"
    );
    assert_eq!(app.pull_policy, Some(PullPolicy::Never));
    assert_eq!(app.platform.as_deref(), Some("linux/amd64"));
    assert_eq!(app.secrets.len(), 2);
    assert_eq!(app.secrets[1].target.as_deref(), Some("/etc/token"));
    assert_eq!(file.secrets()["token"], dir.path().join("token.txt"));
    assert_eq!(file.configs()["conf"], dir.path().join("app.conf"));
    assert_eq!(app.links, ["db:database"]);
    assert_eq!((app.cap_add.len(), app.cap_drop.len()), (1, 1));
    assert_eq!(app.sysctls["net.core.somaxconn"], "1024");
    let logging = app.logging.as_ref().unwrap();
    assert_eq!(logging.driver.as_deref(), Some("json-file"));
    assert_eq!(logging.options["max-file"], "3");
    assert_eq!(app.ipc.as_deref(), Some("service:db"));
    assert_eq!(app.volumes_from, ["db:ro"]);
    assert_eq!(
        app.networks["back"].ipv4_address.as_deref(),
        Some("172.28.5.4")
    );
    assert!(app.depends_on["db"].restart);
    assert!(
        !app.depends_on.contains_key("optional"),
        "an absent dependency that is not required is dropped"
    );
    let deploy = app.deploy.as_ref().unwrap();
    let limits = deploy.resources.as_ref().unwrap().limits.as_ref().unwrap();
    assert_eq!(
        (limits.cpus, limits.memory, limits.pids),
        (Some(0.5), Some(64 << 20), Some(100))
    );
    assert_eq!(
        deploy.restart_policy.as_ref().unwrap().max_attempts,
        Some(3)
    );
    assert_eq!(
        file.service("db").unwrap().network_mode.as_deref(),
        Some("none")
    );
    let ipam = file.networks()["back"].ipam.as_ref().unwrap();
    assert_eq!(ipam.config[0].subnet.as_deref(), Some("172.28.0.0/16"));
    // ipc, links and volumes_from order db first.
    assert_eq!(file.order(), ["db", "app"]);
}

#[test]
fn develop_is_accepted_and_ignored() {
    // As `docker compose up` without `--watch` does: nothing of it reaches the container.
    let body = |src: &str| {
        let file = ComposeFile::from_str(src).unwrap();
        let develop = file.service("a").unwrap().develop;
        let project = crate::Project::new("p", "/srv/p", file).unwrap();
        let service = project.file().service("a").unwrap();
        let spec = crate::spec::ContainerSpec::new(&project, "a", service, "x");
        (develop, serde_json::to_value(&spec.body).unwrap())
    };
    let with = body(
        "services:\n  a:\n    image: x\n    develop:\n      watch:\n        - {path: ./src, action: sync, target: /src}\n",
    );
    let without = body("services:\n  a: {image: x}\n");
    assert!(with.0 && !without.0);
    assert_eq!(
        with.1, without.1,
        "develop changes nothing in the container"
    );
}

#[test]
fn unsupported_keys_are_refused_with_the_reason() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "services:\n  a:\n    image: x\n    build:\n      ssh: [default]\n",
            5,
            "build.ssh is not supported: it needs BuildKit",
        ),
        (
            "services:\n  a:\n    image: x\n    pre_start: [{command: x}]\n",
            4,
            "pre_start hooks are not supported: a command can only be run in a container once it is started",
        ),
        (
            "services:\n  a:\n    image: x\n    provider:\n      type: model\n",
            4,
            "provider services are not supported: Compose runs them through a plugin binary",
        ),
        (
            "services:\n  a:\n    image: x\n    models: [llm]\nmodels:\n  llm: {model: ai/smollm2}\n",
            4,
            "models are not supported: they are served by Docker Model Runner",
        ),
        (
            "services:\n  a: {image: x}\nmodels:\n  llm: {model: ai/smollm2}\n",
            3,
            "models are not supported",
        ),
    ];
    for (src, line, needle) in cases {
        let (got, message) = invalid(src);
        assert_eq!(got, Some(*line), "{message}");
        assert!(message.contains(needle), "{message}");
    }
    for (src, needle) in [
        (
            "services:\n  a: {image: x, pull_policy: build}\n",
            "pull_policy is build, but there is no build:",
        ),
        (
            "services:\n  a: {image: x, secrets: [s]}\nsecrets: {s: {environment: S}}\n",
            "only file-based secrets",
        ),
        (
            "services:\n  a: {image: x, configs: [c]}\nconfigs: {c: {content: hi}}\n",
            "only file-based configs",
        ),
        (
            "services:\n  a: {image: x, secrets: [nope]}\n",
            "services.a.secrets[0]: secret \"nope\" is not declared",
        ),
        (
            "services:\n  a: {image: x, network_mode: host, networks: [n]}\nnetworks: {n: }\n",
            "cannot both be set",
        ),
        (
            "services:\n  a: {image: x, container_name: c, scale: 2}\n",
            "container_name",
        ),
        (
            "services:\n  a: {image: x, links: [nope]}\n",
            "service \"nope\" is not declared",
        ),
        (
            "services:\n  a: {image: x, env_file: absent.env}\n",
            "cannot read",
        ),
        (
            "services:\n  a: {image: x, expose: [\"80:80\"]}\n",
            "use ports:",
        ),
        (
            "services:\n  a: {image: x, deploy: {resources: {limits: {memory: lots}}}}\n",
            "invalid size",
        ),
    ] {
        let (_, message) = invalid(src);
        assert!(message.contains(needle), "{message}");
    }
}

#[test]
fn undeclared_secrets_and_configs_are_located() {
    let (line, message) = invalid(
        "services:\n  a:\n    image: x\n    configs:\n      - ok\n      - {source: nope}\nconfigs:\n  ok: {file: ./x}\n",
    );
    assert_eq!(line, Some(6), "{message}");
    assert!(
        message.contains("config \"nope\" is not declared (declared: ok)"),
        "{message}"
    );
    let (line, _) = invalid("services:\n  a:\n    image: x\n    secrets: [nope]\n");
    assert_eq!(line, Some(4));
}

#[test]
fn newer_small_keys() {
    let file = parse(
        "services:\n  a:\n    image: x\n    mac_address: 02:42:ac:11:65:43\n    healthcheck: {test: \"true\", start_interval: 1s}\n    volumes: [\"data:/d\"]\nvolumes:\n  data:\n    driver_opts: {type: none, o: bind, device: /srv}\n",
    );
    let a = file.service("a").unwrap();
    assert_eq!(a.mac_address.as_deref(), Some("02:42:ac:11:65:43"));
    assert_eq!(
        a.healthcheck.as_ref().unwrap().start_interval,
        Some(std::time::Duration::from_secs(1))
    );
    assert_eq!(file.volumes()["data"].driver_opts["o"], "bind");
}

#[test]
fn lifecycle_hooks() {
    let file = parse(
        "services:\n  a:\n    image: x\n    post_start:\n      - command: echo hi\n        user: root\n        environment: [A=1]\n    pre_stop:\n      - command: [\"sh\", \"-c\", \"true\"]\n        privileged: true\n",
    );
    let a = file.service("a").unwrap();
    assert_eq!(a.post_start[0].command.0, ["echo", "hi"]);
    assert_eq!(a.post_start[0].user.as_deref(), Some("root"));
    assert_eq!(a.post_start[0].environment["A"].as_deref(), Some("1"));
    assert!(a.pre_stop[0].privileged);
    let (_, message) = invalid("services:\n  a:\n    image: x\n    post_start: [{user: root}]\n");
    assert!(message.contains("missing field `command`"), "{message}");
}

#[test]
fn build_reads_every_classic_builder_key() {
    let env = Environment::from_iter([("V", "2"), ("FROM_ENV", "e")]);
    let file = ComposeFile::from_str_with(
        r#"
services:
  short:
    build: ./web
  long:
    image: app:${V}
    pull_policy: build
    build:
      context: ctx
      dockerfile: Dockerfile.prod
      args: [A=1, FROM_ENV, UNSET]
      target: runtime
      cache_from: [app:cache]
      labels: {team: web}
      network: host
      shm_size: 64m
      extra_hosts: ["db:10.0.0.2"]
      no_cache: true
      pull: true
      tags: [app:extra]
      platforms: [linux/amd64]
      x-note: ignored
  inline:
    build:
      dockerfile_inline: |
        FROM charm-test/busybox
"#,
        &env,
    )
    .unwrap();
    let short = file.service("short").unwrap();
    assert_eq!(short.build.as_ref().unwrap().context, "./web");
    assert_eq!(
        short.image, "",
        "a bare file names no image; the project does"
    );
    let long = file.service("long").unwrap().build.clone().unwrap();
    assert_eq!(long.context, "ctx");
    assert_eq!(long.dockerfile.as_deref(), Some("Dockerfile.prod"));
    assert_eq!(long.args["A"].as_deref(), Some("1"));
    assert_eq!(
        long.args["FROM_ENV"].as_deref(),
        Some("e"),
        "from the caller's variables"
    );
    assert_eq!(long.args["UNSET"], None, "not passed to the build");
    assert_eq!(long.target.as_deref(), Some("runtime"));
    assert_eq!(long.cache_from, ["app:cache"]);
    assert_eq!(long.labels["team"], "web");
    assert_eq!(long.network.as_deref(), Some("host"));
    assert_eq!(long.shm_size, Some(64 << 20));
    assert_eq!(long.extra_hosts, ["db:10.0.0.2"]);
    assert!(long.no_cache && long.pull);
    assert_eq!(long.tags, ["app:extra"]);
    assert_eq!(long.platform.as_deref(), Some("linux/amd64"));
    let inline = file.service("inline").unwrap().build.clone().unwrap();
    assert_eq!(inline.context, ".");
    assert_eq!(
        inline.dockerfile_inline.as_deref(),
        Some("FROM charm-test/busybox\n")
    );

    let project = crate::Project::new("Demo", ".", file).unwrap();
    assert_eq!(project.file().service("short").unwrap().image, "demo-short");
    assert_eq!(project.file().service("long").unwrap().image, "app:2");
}

#[test]
fn build_refuses_what_the_classic_builder_cannot_do() {
    for (src, line, needle) in [
        (
            "services:\n  a:\n    build:\n      secrets: [s]\n",
            3,
            "build.secrets is not supported: it needs BuildKit",
        ),
        (
            "services:\n  a:\n    build:\n      context: .\n      additional_contexts: {b: ../b}\n",
            3,
            "build.additional_contexts is not supported",
        ),
        (
            "services:\n  a:\n    build:\n      platforms: [linux/amd64, linux/arm64]\n",
            3,
            "builds for one platform, not 2",
        ),
        (
            "services:\n  a:\n    build:\n      dockerfile: D\n      dockerfile_inline: FROM x\n",
            3,
            "dockerfile and dockerfile_inline cannot both be set",
        ),
        (
            "services:\n  a:\n    build: https://github.com/x/y.git\n",
            3,
            "a remote context is not supported",
        ),
        (
            "services:\n  a:\n    build:\n      contxt: .\n",
            4,
            "unknown field `contxt`",
        ),
    ] {
        let (got, message) = invalid(src);
        assert!(message.contains(needle), "{message}");
        assert!(
            got.is_some_and(|got| got >= line && got <= src.lines().count()),
            "{got:?} {message}"
        );
    }
}

#[test]
fn a_missing_build_context_is_refused_when_the_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  a:\n    image: x\n    build: ./nowhere\n",
    )
    .unwrap();
    let err = ComposeFile::from_path(&path).unwrap_err();
    let Error::InvalidFile { line, message, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*line, Some(4), "{message}");
    assert!(
        message.starts_with("services.a.build: context "),
        "{message}"
    );
    assert!(message.ends_with("nowhere is not a directory"), "{message}");
    std::fs::create_dir(dir.path().join("nowhere")).unwrap();
    ComposeFile::from_path(&path).unwrap();
}

#[test]
fn external_with_a_name_is_the_deprecated_spelling_of_external_and_name() {
    let file = ComposeFile::from_str(
        "services:\n  a: {image: x, networks: [front], volumes: ['data:/d']}\nnetworks:\n  front:\n    external: {name: shared_front}\nvolumes:\n  data:\n    external:\n      name: shared_data\n",
    )
    .unwrap();
    let front = &file.networks()["front"];
    assert!(front.external);
    assert_eq!(front.name.as_deref(), Some("shared_front"));
    let data = &file.volumes()["data"];
    assert!(data.external);
    assert_eq!(data.name.as_deref(), Some("shared_data"));
    let plain = ComposeFile::from_str(
        "services: {a: {image: x, networks: [n]}}\nnetworks: {n: {external: true}}\n",
    )
    .unwrap();
    assert!(plain.networks()["n"].external && plain.networks()["n"].name.is_none());
    let (line, message) = invalid("networks:\n  n:\n    external: {nam: x}\n");
    assert_eq!(line, Some(3), "{message}");
    assert!(message.contains("unknown field `nam`"), "{message}");
}

#[test]
fn a_version_1_file_is_refused_with_the_reason() {
    let (line, message) = invalid("web:\n  image: x\n");
    assert_eq!(line, Some(1), "{message}");
    assert!(
        message.contains("unknown top-level key `web` (if it is a service: the version 1 format"),
        "{message}"
    );
}

#[test]
fn a_bare_name_in_an_env_file_takes_the_callers_variable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.env"),
        "# c\nWHEREAMI\nUNSET\nA=1\nbad line\n",
    )
    .unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  a:\n    image: x\n    env_file: app.env\n",
    )
    .unwrap();
    let err = ComposeFile::from_path(&path).unwrap_err().to_string();
    assert!(
        err.contains("app.env, line 5: expected NAME=value"),
        "{err}"
    );
    assert!(err.contains(", line 4: services.a.env_file"), "{err}");
    std::fs::write(dir.path().join("app.env"), "# c\nWHEREAMI\nUNSET\nA=1\n").unwrap();
    let env = Environment::from_iter([("WHEREAMI", "here")]);
    let file = ComposeFile::from_path_with(&path, &env).unwrap();
    let a = file.service("a").unwrap();
    assert_eq!(a.environment["WHEREAMI"].as_deref(), Some("here"));
    assert_eq!(a.environment["UNSET"], None, "left out of the container");
    assert_eq!(a.environment["A"].as_deref(), Some("1"));
}

#[test]
fn include_brings_in_another_files_services_and_resources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("db")).unwrap();
    std::fs::write(
        dir.path().join("db/compose.yaml"),
        "services:\n  db:\n    image: pg:${TAG:-16}\n    volumes: ['data:/data', './init:/init']\nvolumes: {data: }\n",
    )
    .unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(
        &path,
        "include:\n  - db/compose.yaml\nservices:\n  web: {image: x, depends_on: [db]}\n",
    )
    .unwrap();
    let env = Environment::from_iter([("TAG", "17")]);
    let file = ComposeFile::from_path_with(&path, &env).unwrap();
    assert_eq!(file.order(), ["db", "web"]);
    let db = file.service("db").unwrap();
    assert_eq!(
        db.image, "pg:17",
        "interpolated with the project's variables"
    );
    assert!(
        db.volumes
            .iter()
            .any(|m| matches!(m, Mount::Bind { source, .. }
            if *source == dir.path().join("db/init"))),
        "{:?}",
        db.volumes
    );
    assert!(file.volumes().contains_key("data"));
    std::fs::write(
        &path,
        "services:\n  web: {image: x}\ninclude:\n  - missing.yaml\n",
    )
    .unwrap();
    let err = ComposeFile::from_path(&path).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidFile { line: Some(3), message, .. } if message.starts_with("include[0]: cannot read")),
        "{err:?}"
    );
}

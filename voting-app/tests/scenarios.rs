//! The compiled voting-app charm, hook after hook through the emulator's real hook-tool
//! processes, against the real Docker engine: standalone, a port change, external Redis,
//! external PostgreSQL, both, and the fall back when relations depart or break.
//!
//! Needs a Docker engine and the offline test images: `scripts/docker-up.sh` and
//! `scripts/build-test-images.sh` (`scripts/test.sh` runs both).

use std::path::PathBuf;
use std::process::Command;

use charm_emulator::{Hook, RemoteUnitSpec, Runner};
use charm_yaml::Value;

const CHARM: &str = env!("CARGO_BIN_EXE_voting-app");
/// Holds `$` forms Compose would interpolate: it must reach the containers as written.
const PASSWORD: &str = "pg-s3cret-$never-$$logged-${HOME}";

/// The body of `GET /` on 127.0.0.1:`port`, retried for a few seconds while the container
/// starts; `None` if nothing answers.
fn http_get(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    for _ in 0..50 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let request = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
            let mut body = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut body).is_ok()
                && body.starts_with("HTTP/1.")
            {
                return Some(body);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

/// One deployed unit of application `app` (also the compose project), removed on drop.
struct Deployed {
    _cleanup: charm_testing::ProjectCleanup,
    app: String,
    _tmp: tempfile::TempDir,
    charm_dir: PathBuf,
    runner: Runner,
}

fn deploy(app: &str) -> Deployed {
    let charm_testing::EmulatedUnit {
        tmp,
        charm_dir,
        runner,
    } = charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), &format!("{app}/0"), CHARM);
    // Publish on loopback only: the charm publishes on all addresses unless told otherwise.
    let runner = runner.with_env(charm_core::HOST_IP_ENV, "127.0.0.1");
    let unit = Deployed {
        _cleanup: charm_testing::ProjectCleanup(app.to_owned()),
        app: app.to_owned(),
        _tmp: tmp,
        charm_dir,
        runner,
    };
    // Local images and free ports, set before the first hook as `juju deploy --config` does.
    let [vote, result] = charm_testing::free_ports();
    unit.runner
        .model_dir()
        .transact(|emu| {
            let m = emu.model_mut();
            // The demo images of scripts/build-test-images.sh: vote and result serve a page.
            m.set_config("vote-image", "charm-test/vote-demo")?;
            m.set_config("result-image", "charm-test/result-demo")?;
            m.set_config("worker-image", "charm-test/worker-demo")?;
            m.set_config("postgres-image", "charm-test/worker-demo")?;
            m.set_config("redis-image", "charm-test/redis")?;
            m.set_config("vote-port", &vote.to_string())?;
            m.set_config("result-port", &result.to_string())
        })
        .unwrap();
    for outcome in unit.runner.deploy().unwrap() {
        assert!(
            outcome.success(),
            "{}: {}",
            outcome.hook.name,
            outcome.stderr_text()
        );
    }
    let model = unit.model();
    if model.unit_status.status != "active" {
        let logs: Vec<String> = model
            .logs
            .iter()
            .map(|l| format!("{} {}", l.level, l.message))
            .collect();
        panic!(
            "deploy did not get ready: {:?} (vote {vote}, result {result}); logs:\n{}",
            model.unit_status,
            logs.join("\n")
        );
    }
    unit
}

impl Deployed {
    fn model(&self) -> charm_emulator::Model {
        self.runner.model_dir().load().unwrap()
    }

    fn config_port(&self, key: &str) -> u16 {
        self.model().config_values[key].as_i64().unwrap() as u16
    }

    fn ports(&self) -> Vec<String> {
        self.model()
            .opened_ports
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    fn expected_ports(&self) -> Vec<String> {
        let mut ports = [
            self.config_port("vote-port"),
            self.config_port("result-port"),
        ];
        ports.sort();
        ports.iter().map(|p| format!("{p}/tcp")).collect()
    }

    fn status(&self) -> (String, String) {
        let s = self.model().unit_status;
        (s.status, s.message)
    }

    fn flags(&self) -> String {
        std::fs::read_to_string(self.charm_dir.join(charm_core::STATE_FILE)).unwrap()
    }

    /// The rendered compose file, parsed.
    fn compose(&self) -> Value {
        let path = self.charm_dir.join("files/voting-app/docker-compose.yml");
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(&path) else {
            let model = self.model();
            let logs: Vec<String> = model
                .logs
                .iter()
                .map(|l| format!("{} {}", l.level, l.message))
                .collect();
            panic!(
                "no rendered compose file; status {:?}; logs:\n{}",
                model.unit_status,
                logs.join("\n")
            );
        };
        let mode = meta.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the compose file holds credentials");
        charm_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn services(&self) -> Vec<String> {
        let compose = self.compose();
        compose["services"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect()
    }

    fn env(&self, service: &str) -> Vec<(String, String)> {
        let compose = self.compose();
        match compose["services"][service]["environment"].as_mapping() {
            None => Vec::new(),
            Some(env) => env
                .iter()
                // As Compose reads it: the escaper doubled every `$`.
                .map(|(k, v)| {
                    let meant = charm_core::docker::Environment::new()
                        .interpolate(v.as_str().unwrap())
                        .unwrap();
                    (k.as_str().unwrap().into(), meant)
                })
                .collect(),
        }
    }

    /// The environment of the running container of `service`, as the engine has it.
    fn container_env(&self, service: &str) -> Vec<String> {
        let name = format!("{}-{service}-1", self.app);
        let out = Command::new("docker")
            .args(["inspect", "--format", "{{json .Config.Env}}", &name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docker inspect {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Running containers of the project, by service.
    fn containers(&self) -> Vec<String> {
        let label = format!("label=com.docker.compose.project={}", self.app);
        let out = Command::new("docker")
            .args(["ps", "-a", "--filter", &label])
            .args(["--format", "{{.Label \"com.docker.compose.service\"}}"])
            .output()
            .unwrap();
        let mut services: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        services.sort();
        services
    }

    /// Ready, running, ports opened, no secret anywhere Juju shows.
    fn assert_ready(&self) {
        assert_eq!(self.status(), ("active".into(), "Ready to vote!".into()));
        assert!(
            self.flags().contains("\"voting-app.running\""),
            "{}",
            self.flags()
        );
        assert_eq!(self.ports(), self.expected_ports());
        let model = self.model();
        for log in &model.logs {
            assert!(
                !log.message.contains(PASSWORD),
                "password logged: {}",
                log.message
            );
        }
        let mut expected = self.services();
        expected.sort();
        assert_eq!(
            self.containers(),
            expected,
            "one container per rendered service"
        );
    }

    fn check(&self, outcomes: &[charm_emulator::HookOutcome]) {
        for o in outcomes {
            assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
        }
    }

    fn relate_redis(&self) -> u64 {
        let units = [
            unit("redis/0", &[("host", "10.1.2.3"), ("port", "6379")]),
            unit("redis/1", &[("host", "10.1.2.4"), ("port", "6379")]),
        ];
        let (id, outcomes) = self
            .runner
            .relate("redis", "redis", &units, &Default::default())
            .unwrap();
        self.check(&outcomes);
        id
    }

    fn relate_postgres(&self) -> u64 {
        let db = self.app.replace('-', "_");
        // The libpq string the legacy PostgreSQL charm publishes, authoritative for the client.
        let master = format!("dbname={db} host=10.5.0.9 password={PASSWORD} port=5432 user=vote");
        let data = [
            ("host", "10.5.0.9"),
            ("port", "5432"),
            ("user", "vote"),
            ("password", PASSWORD),
            ("database", db.as_str()),
            ("master", master.as_str()),
        ];
        let (id, outcomes) = self
            .runner
            .relate(
                "postgres",
                "postgresql",
                &[unit("postgresql/0", &data)],
                &Default::default(),
            )
            .unwrap();
        self.check(&outcomes);
        id
    }
}

fn unit(name: &str, data: &[(&str, &str)]) -> RemoteUnitSpec {
    RemoteUnitSpec {
        name: name.into(),
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const STANDALONE: [&str; 5] = ["vote", "redis", "worker", "db", "result"];

fn pg_env() -> Vec<(String, String)> {
    pairs(&[
        ("PG_HOST", "10.5.0.9"),
        ("PG_USER", "vote"),
        ("PG_PASS", PASSWORD),
        ("PG_DB", ""),
    ])
}

fn with_db(mut env: Vec<(String, String)>, db: &str) -> Vec<(String, String)> {
    for (k, v) in &mut env {
        if k == "PG_DB" {
            *v = db.to_owned();
        }
    }
    env
}

#[test]
fn standalone_then_a_port_change() {
    let unit = deploy("va-standalone");
    assert_eq!(unit.services(), STANDALONE);
    for service in STANDALONE {
        // Only the built-in db is told its password: the services use the contract's defaults.
        match service {
            "db" => assert_eq!(
                unit.env(service),
                [("POSTGRES_PASSWORD".to_owned(), "postgres".to_owned())]
            ),
            _ => assert!(unit.env(service).is_empty(), "{service}"),
        }
    }
    unit.assert_ready();
    let compose = unit.compose();
    let vote = unit.config_port("vote-port");
    assert_eq!(
        compose["services"]["vote"]["ports"][0].as_str(),
        Some(format!("{vote}:80").as_str())
    );

    // A steady hook changes nothing.
    let steady = unit.runner.run(Hook::new("config-changed")).unwrap();
    assert!(steady.success(), "{}", steady.stderr_text());
    for write in ["status-set", "open-port", "close-port"] {
        assert!(
            !steady.tools_called().contains(&write),
            "{:?}",
            steady.tools_called()
        );
    }

    // The workload answers on the published ports, on loopback only.
    let result = unit.config_port("result-port");
    assert!(
        http_get(vote).is_some_and(|b| b.contains("vote")),
        "vote answers on {vote}"
    );
    let vote_container = format!("{}-vote-1", unit.app);
    let bindings = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{json .HostConfig.PortBindings}}",
            &vote_container,
        ])
        .output()
        .unwrap();
    let bindings = String::from_utf8_lossy(&bindings.stdout);
    assert!(
        bindings.contains(r#""HostIp":"127.0.0.1""#),
        "published on loopback only: {bindings}"
    );
    assert!(
        http_get(result).is_some_and(|b| b.contains("result")),
        "result answers on {result}"
    );

    let (old_vote, new_vote) = (vote, charm_testing::free_ports::<1>()[0]);
    let outcome = unit
        .runner
        .configure(&[("vote-port".into(), new_vote.to_string())], &[])
        .unwrap();
    assert!(outcome.success(), "{}", outcome.stderr_text());
    let tools = outcome.tools_called();
    assert!(
        tools.contains(&"close-port") && tools.contains(&"open-port"),
        "{tools:?}"
    );
    assert!(!unit.ports().contains(&format!("{old_vote}/tcp")));
    assert!(http_get(new_vote).is_some(), "vote moved to {new_vote}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", old_vote)).is_err(),
        "nothing on {old_vote} any more"
    );
    assert_eq!(
        unit.compose()["services"]["vote"]["ports"][0].as_str(),
        Some(format!("{new_vote}:80").as_str())
    );
    let statuses: Vec<String> = outcome
        .calls
        .iter()
        .filter(|c| c.tool == "status-set")
        .map(|c| c.args.join(" "))
        .collect();
    assert!(
        statuses.iter().any(|s| s.starts_with("maintenance")),
        "{statuses:?}"
    );
    unit.assert_ready();
}

#[test]
fn external_redis_replaces_the_container_and_departing_falls_back() {
    let unit = deploy("va-redis");
    let id = unit.relate_redis();
    assert_eq!(unit.services(), ["vote", "worker", "db", "result"]);
    let redis = pairs(&[("REDIS_HOST", "10.1.2.3,10.1.2.4")]);
    assert_eq!(unit.env("vote"), redis);
    assert_eq!(unit.env("worker"), redis);
    assert!(unit.env("result").is_empty());
    unit.assert_ready();
    assert!(
        unit.container_env("vote")
            .contains(&"REDIS_HOST=10.1.2.3,10.1.2.4".to_owned()),
        "{:?}",
        unit.container_env("vote")
    );

    // One unit departs: the host list follows.
    let departed = unit.runner.remove_unit(id, "redis/1").unwrap();
    assert!(departed.success(), "{}", departed.stderr_text());
    assert_eq!(unit.env("vote"), pairs(&[("REDIS_HOST", "10.1.2.3")]));
    unit.assert_ready();

    // The relation breaks: back to the charm's own redis container.
    unit.check(&unit.runner.unrelate(id).unwrap());
    assert_eq!(unit.services(), STANDALONE);
    assert!(unit.env("vote").is_empty() && unit.env("worker").is_empty());
    unit.assert_ready();
}

#[test]
fn external_postgres_replaces_the_db_and_breaking_falls_back() {
    let unit = deploy("va-pg");
    let id = unit.relate_postgres();
    assert_eq!(unit.services(), ["vote", "redis", "worker", "result"]);
    let env = with_db(pg_env(), "va_pg");
    assert_eq!(unit.env("worker"), env);
    assert_eq!(unit.env("result"), env);
    // What the engine runs: the password exactly, `$` and all.
    for service in ["worker", "result"] {
        let pass = format!("PG_PASS={PASSWORD}");
        assert!(
            unit.container_env(service).contains(&pass),
            "{service}: {:?}",
            unit.container_env(service)
        );
    }
    assert!(unit.env("vote").is_empty());
    unit.assert_ready();
    assert!(!unit.model().unit_status.message.contains(PASSWORD));

    unit.check(&unit.runner.unrelate(id).unwrap());
    assert_eq!(unit.services(), STANDALONE);
    assert!(unit.env("worker").is_empty() && unit.env("result").is_empty());
    unit.assert_ready();
}

#[test]
fn both_external_then_one_breaks() {
    let unit = deploy("va-both");
    let redis_id = unit.relate_redis();
    let _pg_id = unit.relate_postgres();
    assert_eq!(unit.services(), ["vote", "worker", "result"]);
    let redis = pairs(&[("REDIS_HOST", "10.1.2.3,10.1.2.4")]);
    let pg = with_db(pg_env(), "va_both");
    assert_eq!(unit.env("vote"), redis);
    assert_eq!(unit.env("worker"), [redis.clone(), pg.clone()].concat());
    assert_eq!(unit.env("result"), pg);
    unit.assert_ready();

    unit.check(&unit.runner.unrelate(redis_id).unwrap());
    assert_eq!(unit.services(), ["vote", "redis", "worker", "result"]);
    assert_eq!(unit.env("worker"), pg);
    unit.assert_ready();
}

#[test]
fn an_unusable_port_blocks_with_the_cause() {
    let unit = deploy("va-badport");
    let outcome = unit
        .runner
        .configure(&[("vote-port".into(), "70000".into())], &[])
        .unwrap();
    assert!(outcome.success(), "{}", outcome.stderr_text());
    let (status, message) = unit.status();
    assert_eq!(status, "blocked");
    assert!(message.contains("vote-port=70000"), "{message}");
    assert!(!unit.flags().contains("\"voting-app.running\""));

    // A Docker error (an image that does not exist) blocks too, instead of failing the hook.
    unit.runner
        .model_dir()
        .transact(|emu| {
            emu.model_mut().set_config(
                "vote-port",
                &charm_testing::free_ports::<1>()[0].to_string(),
            )
        })
        .unwrap();
    let outcome = unit
        .runner
        .configure(
            &[("vote-image".into(), "charm-test/missing-image:none".into())],
            &[],
        )
        .unwrap();
    assert!(outcome.success(), "{}", outcome.stderr_text());
    let (status, message) = unit.status();
    assert_eq!(status, "blocked", "{message}");
    assert!(message.starts_with("Docker: "), "{message}");

    // Fixed: it converges again.
    let outcome = unit
        .runner
        .configure(&[("vote-image".into(), "charm-test/busybox".into())], &[])
        .unwrap();
    assert!(outcome.success(), "{}", outcome.stderr_text());
    unit.assert_ready();
}

/// A hook fails with a Docker error (an image that does not exist, on a new port), then the
/// operator reverts the config while the unit is blocked: status, opened ports, the rendered
/// file and the running containers all end in agreement with the config.
#[test]
fn a_failed_hook_then_a_revert_while_blocked_ends_in_agreement() {
    let unit = deploy("va-revert");
    unit.assert_ready();
    let vote = unit.config_port("vote-port");
    let [other] = charm_testing::free_ports::<1>();
    // The hook's process fails after the charm ran (as when it is killed): Juju drops the
    // buffered writes and shows the hook failed; status-set stays, as in Juju.
    let failing = unit._tmp.path().join("failing-dispatch");
    std::fs::write(&failing, format!("#!/bin/sh\n'{CHARM}' \"$@\"\nexit 1\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let failing_runner = Runner::new(unit.runner.model_dir().clone())
        .with_charm_binary(&failing)
        .with_env(charm_core::HOST_IP_ENV, "127.0.0.1");
    unit.runner
        .model_dir()
        .transact(|emu| {
            let m = emu.model_mut();
            m.set_config("vote-image", "charm-test/missing-image:none")?;
            m.set_config("vote-port", &other.to_string())
        })
        .unwrap();
    let failed = failing_runner.run(Hook::new("config-changed")).unwrap();
    assert!(!failed.success());
    assert_eq!(unit.status().0, "error");
    // Juju shows the charm's own status again after the next successful hook: blocked.
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let (status, message) = unit.status();
    assert_eq!(status, "blocked", "{message}");
    assert!(message.starts_with("Docker: "), "{message}");

    // The operator reverts the config while blocked.
    let out = unit
        .runner
        .configure(
            &[
                ("vote-image".into(), "charm-test/vote-demo".into()),
                ("vote-port".into(), vote.to_string()),
            ],
            &[],
        )
        .unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    // Status, ports, containers: assert_ready checks them against the config.
    unit.assert_ready();
    let compose = unit.compose();
    assert_eq!(
        compose["services"]["vote"]["image"].as_str(),
        Some("charm-test/vote-demo")
    );
    assert_eq!(
        compose["services"]["vote"]["ports"][0].as_str(),
        Some(format!("{vote}:80").as_str())
    );
    let name = format!("{}-vote-1", unit.app);
    let inspect = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{.Config.Image}} {{.State.Running}}",
            &name,
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&inspect.stdout).trim(),
        "charm-test/vote-demo:latest true"
    );
    assert!(http_get(vote).is_some(), "vote answers on {vote}");
}

//! The real voting app end to end: the compiled charm, hook after hook through the emulator,
//! against the real engine with the images of scripts/build-voting-images.sh (the Rust
//! vote/worker/result, Debian's PostgreSQL) and charm-test/redis. Votes POSTed to the vote
//! port are counted by `/api/results` and by a query in the database, standalone and with an
//! external Redis and PostgreSQL (containers outside the charm's project, listening on the
//! Docker bridge's gateway address: reachable from this machine's containers, not from
//! elsewhere); they survive recreating the db container; update-status names what it found
//! stopped.

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use charm_emulator::{Hook, RemoteUnitSpec, Runner};

const CHARM: &str = env!("CARGO_BIN_EXE_voting-app");

/// An HTTP/1.0 exchange with 127.0.0.1:`port`: status code, headers and body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: localhost\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!(
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(request.as_bytes()).ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head.to_owned(), body.to_owned()))
}

/// Retries `f` for up to `secs` seconds until it gives `Some`.
fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

struct Unit {
    _cleanup: charm_testing::ProjectCleanup,
    _tmp: tempfile::TempDir,
    runner: Runner,
    project: String,
    vote: u16,
    result: u16,
}

impl Unit {
    fn deploy(app: &str) -> Unit {
        let charm_testing::EmulatedUnit { tmp, runner, .. } = charm_testing::EmulatedUnit::new(
            env!("CARGO_MANIFEST_DIR"),
            &format!("{app}/0"),
            CHARM,
        );
        let runner = runner.with_env(charm_core::HOST_IP_ENV, "127.0.0.1");
        let [vote, result] = charm_testing::free_ports();
        let unit = Unit {
            _cleanup: charm_testing::ProjectCleanup(app.to_owned()),
            _tmp: tmp,
            runner,
            project: app.to_owned(),
            vote,
            result,
        };
        unit.runner
            .model_dir()
            .transact(|emu| {
                let m = emu.model_mut();
                for (key, image) in [
                    ("vote-image", "charm-test/vote"),
                    ("result-image", "charm-test/result"),
                    ("worker-image", "charm-test/worker"),
                    ("postgres-image", "charm-test/postgres"),
                    ("redis-image", "charm-test/redis"),
                ] {
                    m.set_config(key, image)?;
                }
                m.set_config("vote-port", &vote.to_string())?;
                m.set_config("result-port", &result.to_string())
            })
            .unwrap();
        unit.check(&unit.runner.deploy().unwrap());
        assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
        unit
    }

    fn check(&self, outcomes: &[charm_emulator::HookOutcome]) {
        for o in outcomes {
            assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
        }
    }

    fn status(&self) -> (String, String) {
        let s = self.runner.model_dir().load().unwrap().unit_status;
        (s.status, s.message)
    }

    fn services(&self) -> Vec<String> {
        let label = format!("label=com.docker.compose.project={}", self.project);
        let out = docker(&[
            "ps",
            "-a",
            "--filter",
            &label,
            "--format",
            "{{.Label \"com.docker.compose.service\"}}",
        ]);
        let mut services: Vec<String> = out.lines().map(str::to_owned).collect();
        services.sort();
        services
    }

    /// POSTs a vote as voter `voter` (a hex cookie).
    fn vote(&self, voter: &str, option: &str) {
        let cookie = format!("voter_id={voter}");
        let form = format!("vote={option}");
        eventually(30, "the vote page accepts a vote", || {
            let (status, _, _) = http(self.vote, "POST", "/", &[("Cookie", &cookie)], &form)?;
            (status == 200).then_some(())
        });
    }

    /// Waits until `/api/results` says `want` (`{"a":N,"b":M}`).
    fn wait_results(&self, want: &str) {
        let mut last = String::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some((200, _, body)) = http(self.result, "GET", "/api/results", &[], "") {
                if body == want {
                    return;
                }
                last = body;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let logs: Vec<String> = ["vote", "worker", "result"]
            .iter()
            .map(|s| {
                let name = format!("{}-{s}-1", self.project);
                let out = Command::new("docker")
                    .args(["logs", &name])
                    .output()
                    .unwrap();
                format!("{s}: {}", String::from_utf8_lossy(&out.stderr))
            })
            .collect();
        panic!(
            "results never became {want}: last {last:?}\n{}",
            logs.join("\n")
        );
    }
}

fn remote(name: &str, data: &[(&str, &str)]) -> RemoteUnitSpec {
    RemoteUnitSpec {
        name: name.into(),
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// The count per option in the db container, by SQL.
fn db_counts(container: &str, user: &str, db: &str) -> String {
    let sql = "SELECT vote || '=' || count(*) FROM votes GROUP BY vote ORDER BY vote";
    docker(&[
        "exec", container, "psql", "-qAt", "-U", user, "-d", db, "-c", sql,
    ])
    .replace('\n', " ")
}

#[test]
fn standalone_votes_are_counted_and_survive_a_db_recreate() {
    let app = format!("va-real-{}", std::process::id());
    let unit = Unit::deploy(&app);
    assert_eq!(unit.services(), ["db", "redis", "result", "vote", "worker"]);
    let page = eventually(30, "the vote page", || http(unit.vote, "GET", "/", &[], "")).2;
    assert!(
        page.contains("value=\"a\"") && page.contains("value=\"b\""),
        "{page}"
    );
    unit.vote("0a", "a");
    unit.vote("0b", "a");
    unit.vote("0c", "b");
    // The same voter again: one row per voter, the last vote wins.
    unit.vote("0c", "a");
    unit.wait_results(r#"{"a":3,"b":0}"#);
    let db = format!("{app}-db-1");
    assert_eq!(db_counts(&db, "postgres", "postgres"), "a=3");
    let page = http(unit.result, "GET", "/", &[], "").unwrap().2;
    assert!(page.contains("Cats: 3"), "{page}");

    // The db container recreated: its data is on the project's named volume.
    docker(&["rm", "-f", &db]);
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(
        unit.status(),
        (
            "active".into(),
            "Ready to vote! Restarted: db (missing)".into()
        )
    );
    unit.wait_results(r#"{"a":3,"b":0}"#);
    unit.vote("0d", "b");
    unit.wait_results(r#"{"a":3,"b":1}"#);

    // A stopped vote container: named by update-status, started again by its `up`.
    docker(&["stop", &format!("{app}-vote-1")]);
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(
        unit.status(),
        (
            "active".into(),
            "Ready to vote! Restarted: vote (exited)".into()
        )
    );
    unit.vote("0e", "b");
    unit.wait_results(r#"{"a":3,"b":2}"#);
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
}

/// An external Redis and PostgreSQL: containers of no compose project, on the host's
/// network, listening on the Docker bridge's gateway address only.
pub struct External {
    pub host: String,
    /// The database the charm asks for: its application's name.
    pub database: String,
    pub redis_port: u16,
    pub pg_port: u16,
    pub redis: String,
    pub postgres: String,
}

pub const EXT_PASSWORD: &str = "ext-$ecret-pw";

impl External {
    pub fn start(tag: &str, app: &str) -> External {
        let host = docker(&[
            "network",
            "inspect",
            "bridge",
            "-f",
            "{{(index .IPAM.Config 0).Gateway}}",
        ]);
        let [redis_port, pg_port] = charm_testing::free_ports();
        let ext = External {
            host: host.clone(),
            database: app.replace('-', "_"),
            redis_port,
            pg_port,
            redis: format!("{tag}-ext-redis"),
            postgres: format!("{tag}-ext-postgres"),
        };
        docker(&[
            "run",
            "-d",
            "--name",
            &ext.redis,
            "--network",
            "host",
            "charm-test/redis",
            "/usr/bin/redis-server",
            "--bind",
            &host,
            "--port",
            &redis_port.to_string(),
            "--protected-mode",
            "no",
        ]);
        docker(&[
            "run",
            "-d",
            "--name",
            &ext.postgres,
            "--network",
            "host",
            "-e",
            "POSTGRES_USER=vote",
            "-e",
            &format!("POSTGRES_PASSWORD={EXT_PASSWORD}"),
            "-e",
            &format!("POSTGRES_DB={}", ext.database),
            "charm-test/postgres",
            "db-entrypoint",
            "-c",
            &format!("listen_addresses={host}"),
            "-p",
            &pg_port.to_string(),
        ]);
        eventually(60, "the external PostgreSQL", || {
            let out = Command::new("docker")
                .args(["exec", &ext.postgres, "pg_isready", "-q", "-h", &host])
                .args(["-p", &pg_port.to_string()])
                .output()
                .ok()?;
            out.status.success().then_some(())
        });
        ext
    }

    pub fn redis_data(&self) -> Vec<(&'static str, String)> {
        vec![
            ("host", self.host.clone()),
            ("port", self.redis_port.to_string()),
        ]
    }

    pub fn pg_data(&self) -> Vec<(&'static str, String)> {
        let master = format!(
            "dbname={} host={} password={EXT_PASSWORD} port={} user=vote",
            self.database, self.host, self.pg_port
        );
        vec![
            ("host", self.host.clone()),
            ("port", self.pg_port.to_string()),
            ("user", "vote".into()),
            ("password", EXT_PASSWORD.into()),
            ("database", self.database.clone()),
            ("master", master),
        ]
    }

    pub fn counts(&self) -> String {
        let sql = "SELECT vote || '=' || count(*) FROM votes GROUP BY vote ORDER BY vote";
        docker(&[
            "exec",
            &self.postgres,
            // Over the container's own socket (trusted locally), not the password-checked TCP.
            "psql",
            "-qAt",
            "-p",
            &self.pg_port.to_string(),
            "-U",
            "vote",
            "-d",
            &self.database,
            "-c",
            sql,
        ])
        .replace('\n', " ")
    }
}

impl Drop for External {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-fv", &self.redis, &self.postgres])
            .output();
    }
}

#[test]
fn external_redis_and_postgres_replace_the_containers() {
    let app = format!("va-ext-{}", std::process::id());
    let ext = External::start(&app, &app);
    let unit = Unit::deploy(&app);
    let redis = ext.redis_data();
    let redis: Vec<(&str, &str)> = redis.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, outs) = unit
        .runner
        .relate(
            "redis",
            "redis",
            &[remote("redis/0", &redis)],
            &Default::default(),
        )
        .unwrap();
    unit.check(&outs);
    let pg = ext.pg_data();
    let pg: Vec<(&str, &str)> = pg.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, outs) = unit
        .runner
        .relate(
            "postgres",
            "postgresql",
            &[remote("postgresql/0", &pg)],
            &Default::default(),
        )
        .unwrap();
    unit.check(&outs);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
    // No redis, no db in the charm's project: the external ones do the work.
    assert_eq!(unit.services(), ["result", "vote", "worker"]);
    unit.vote("1a", "b");
    unit.vote("1b", "b");
    unit.vote("1c", "a");
    unit.wait_results(r#"{"a":1,"b":2}"#);
    assert_eq!(ext.counts(), "a=1 b=2");
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
}

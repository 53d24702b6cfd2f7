//! What the end-to-end tests of the real voting app share (voting-app/tests/real_app.rs and
//! the proxy's test-charms/http-proxy/tests/proxy.rs include this file): HTTP, docker,
//! a deployed voting-app unit, an external Redis and PostgreSQL.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use charm_emulator::{RemoteUnitSpec, Runner};

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
pub fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The Docker bridge's gateway address: a host address every container reaches.
///
/// An engine whose bridge was made without an explicit gateway (seen with Debian's
/// docker.io 20.10 on a fresh machine) reports none in `IPAM.Config`; libnetwork's default
/// IPAM then gave the bridge the subnet's first address, which is what this falls back to.
pub fn bridge_gateway() -> String {
    let gateway = docker(&[
        "network",
        "inspect",
        "bridge",
        "-f",
        "{{(index .IPAM.Config 0).Gateway}}",
    ]);
    if !gateway.is_empty() {
        return gateway;
    }
    let subnet = docker(&[
        "network",
        "inspect",
        "bridge",
        "-f",
        "{{(index .IPAM.Config 0).Subnet}}",
    ]);
    let net: std::net::Ipv4Addr = subnet
        .split('/')
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| {
            panic!("the bridge network has neither a gateway nor an IPv4 subnet: {subnet:?}")
        });
    std::net::Ipv4Addr::from(u32::from(net) + 1).to_string()
}

/// A deployed voting-app unit, its containers removed on drop.
pub struct Unit {
    _cleanup: charm_testing::ProjectCleanup,
    _tmp: tempfile::TempDir,
    pub runner: Runner,
    pub project: String,
    pub vote: u16,
    pub result: u16,
}

impl Unit {
    /// Deploys unit `app/n` of the charm binary `charm` (the voting-app's files from
    /// voting-app/), with the real images and free ports; its compose project is the
    /// charm's: `app` for unit 0, `app-n` for the others.
    pub fn deploy(charm: &str, app: &str, n: u32) -> Unit {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = match here.join("metadata.yaml").is_file() && here.ends_with("voting-app") {
            true => here.to_owned(),
            false => here.join("../../voting-app"),
        };
        let charm_testing::EmulatedUnit { tmp, runner, .. } =
            charm_testing::EmulatedUnit::new(&source, &format!("{app}/{n}"), charm);
        let project = match n {
            0 => app.to_owned(),
            n => format!("{app}-{n}"),
        };
        let runner = runner.with_env(charm_core::HOST_IP_ENV, "127.0.0.1");
        let [vote, result] = charm_testing::free_ports();
        let unit = Unit {
            _cleanup: charm_testing::ProjectCleanup(project.clone()),
            _tmp: tmp,
            runner,
            project,
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

    pub fn check(&self, outcomes: &[charm_emulator::HookOutcome]) {
        for o in outcomes {
            assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
        }
    }

    pub fn status(&self) -> (String, String) {
        let s = self.runner.model_dir().load().unwrap().unit_status;
        (s.status, s.message)
    }

    pub fn services(&self) -> Vec<String> {
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
    pub fn vote(&self, voter: &str, option: &str) {
        let cookie = format!("voter_id={voter}");
        let form = format!("vote={option}");
        eventually(30, "the vote page accepts a vote", || {
            let (status, _, _) = http(self.vote, "POST", "/", &[("Cookie", &cookie)], &form)?;
            (status == 200).then_some(())
        });
    }

    /// Waits until `/api/results` says `want` (`{"a":N,"b":M}`).
    pub fn wait_results(&self, want: &str) {
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

pub fn remote(name: &str, data: &[(&str, &str)]) -> RemoteUnitSpec {
    RemoteUnitSpec {
        name: name.into(),
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
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
        let host = bridge_gateway();
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

//! No-op `up` benchmark: our [`Engine`] against Debian's `docker-compose` (1.29) on the same
//! five-service file, each on its own project, in the same run.
//!
//! Each of our runs pays what a charm hook pays: a new client (runtime, connection, version
//! negotiation) and the full convergence check. Run through `scripts/bench-compose.sh`, or
//! `cargo bench -p charm-docker --bench noop_up` with an engine, the test images and
//! `docker-compose` installed. `BENCH_RUNS` sets the number of runs (default 15).

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use charm_docker::{Action, ComposeFile, DownOptions, Engine, Project};

const FILE: &str = r#"version: "2"
services:
  vote:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports: ["127.0.0.1:PORT_VOTE:80"]
    depends_on: [redis]
  redis:
    image: charm-test/redis
    init: true
    ports: ["127.0.0.1::6379"]
  worker:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    depends_on: [redis, db]
  db:
    image: charm-test/busybox
    command: sleep 3600
    init: true
  result:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports: ["127.0.0.1:PORT_RESULT:80", "127.0.0.1:PORT_DEBUG:5858"]
    depends_on: [db]
"#;

/// Three distinct free ports: the listeners stay open until all are chosen.
fn free_ports() -> [u16; 3] {
    let listeners: Vec<std::net::TcpListener> = (0..3)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap_or_else(|e| fail(&format!("no free port: {e}")))
        })
        .collect();
    std::array::from_fn(|i| {
        listeners[i]
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_else(|e| fail(&format!("no free port: {e}")))
    })
}

fn fail(message: &str) -> ! {
    eprintln!("bench-compose: {message}");
    std::process::exit(1)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
        .max(1);
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(&e.to_string()));
    let render = || {
        let [vote, result, debug] = free_ports();
        FILE.replace("PORT_VOTE", &vote.to_string())
            .replace("PORT_RESULT", &result.to_string())
            .replace("PORT_DEBUG", &debug.to_string())
    };
    // Same file, distinct host ports: both projects run side by side.
    let ours_path = dir.path().join("ours.yml");
    let theirs_path = dir.path().join("theirs.yml");
    std::fs::write(&ours_path, render()).unwrap_or_else(|e| fail(&e.to_string()));
    std::fs::write(&theirs_path, render()).unwrap_or_else(|e| fail(&e.to_string()));
    let ours_name = format!("benchours{}", std::process::id());
    let theirs_name = format!("benchtheirs{}", std::process::id());
    let file = ComposeFile::from_path(&ours_path).unwrap_or_else(|e| fail(&e.to_string()));
    let project =
        Project::new(&ours_name, dir.path(), file).unwrap_or_else(|e| fail(&e.to_string()));
    let compose = |args: &[&str]| {
        Command::new("docker-compose")
            .arg("-f")
            .arg(&theirs_path)
            .args(["-p", &theirs_name])
            .args(args)
            .output()
            .unwrap_or_else(|e| fail(&format!("docker-compose: {e}")))
    };

    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let engine = Engine::connect().unwrap_or_else(|e| fail(&e.to_string()));
        let first = engine
            .up(&project, &mut |_| {})
            .unwrap_or_else(|e| fail(&e.to_string()));
        assert!(
            first.services.iter().all(|s| s.action() == Action::Created),
            "{first:?}"
        );
        let out = compose(&["up", "-d"]);
        if !out.status.success() {
            fail(&format!(
                "docker-compose up: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }

        let mut ours = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let engine = Engine::connect().unwrap_or_else(|e| fail(&e.to_string()));
            let report = engine
                .up(&project, &mut |_| {})
                .unwrap_or_else(|e| fail(&e.to_string()));
            ours.push(start.elapsed());
            assert!(
                !report.changed(),
                "a no-op up changed something: {report:?}"
            );
        }
        let mut theirs = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let out = compose(&["up", "-d"]);
            theirs.push(start.elapsed());
            if !out.status.success() {
                fail(&format!(
                    "docker-compose up: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        let (ours, theirs) = (median(ours), median(theirs));
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "no-op up, median of {runs} runs (five services):");
        let _ = writeln!(
            stdout,
            "  charm-docker Engine (connect + up): {:9.2} ms",
            ms(ours)
        );
        let _ = writeln!(
            stdout,
            "  docker-compose 1.29 up -d:          {:9.2} ms",
            ms(theirs)
        );
        let _ = writeln!(
            stdout,
            "  ratio: {:.1}x faster",
            theirs.as_secs_f64() / ours.as_secs_f64()
        );
    }));

    // Clean up both projects whatever happened.
    if let Ok(engine) = Engine::connect()
        && let Err(e) = engine.down(&project, DownOptions { volumes: true })
    {
        eprintln!("bench-compose: cleanup of {ours_name}: {e}");
    }
    let _ = compose(&["down", "-v", "-t", "2"]);
    if result.is_err() {
        std::process::exit(1);
    }
}

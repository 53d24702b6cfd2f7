//! dump-db and restore-db against the real engine with charm-test/postgres
//! (scripts/build-voting-images.sh): a dump of a built-in db restored into an empty external
//! PostgreSQL on loopback counts the same votes; failures name their cause.

use std::process::Command;
use std::time::{Duration, Instant};

use charm_core::docker::Engine;
use charm_core::interfaces::PgCredentials;

use crate::backup::{Database, Target, dump_db, restore_db};
use crate::workload;

const IMAGE: &str = "charm-test/postgres";

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Removes what a test created, however it ends.
struct Cleanup(Vec<String>, Vec<String>);
impl Drop for Cleanup {
    fn drop(&mut self) {
        for c in &self.0 {
            let _ = Command::new("docker").args(["rm", "-fv", c]).output();
        }
        for n in &self.1 {
            let _ = Command::new("docker").args(["network", "rm", n]).output();
        }
    }
}

fn wait_healthy(container: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = docker(&["inspect", "-f", "{{.State.Health.Status}}", container]);
        if health == "healthy" {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{container} not healthy: {health}; logs: {}",
            docker(&["logs", container])
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn psql(container: &str, user: &str, db: &str, sql: &str) -> String {
    docker(&[
        "exec", container, "psql", "-qAt", "-U", user, "-d", db, "-c", sql,
    ])
}

#[test]
fn dump_the_builtin_db_then_restore_into_an_empty_external_one() {
    let engine = Engine::connect().expect("a Docker engine: scripts/docker-up.sh");
    let project = format!("va-backup-{}", std::process::id());
    let network = format!("{project}_default");
    let builtin = format!("{project}-db-1");
    let external = format!("{project}-external");
    let _cleanup = Cleanup(
        vec![builtin.clone(), external.clone()],
        vec![network.clone()],
    );
    docker(&["network", "create", &network]);
    docker(&[
        "run",
        "-d",
        "--name",
        &builtin,
        "--network",
        &network,
        "--network-alias",
        "db",
        "-e",
        &format!("POSTGRES_PASSWORD={}", workload::BUILTIN_DB_PASSWORD),
        IMAGE,
    ]);
    let [port] = charm_testing::free_ports();
    let password = "ext-s3cret-$x";
    docker(&[
        "run",
        "-d",
        "--name",
        &external,
        "-p",
        &format!("127.0.0.1:{port}:5432"),
        "-e",
        "POSTGRES_USER=vote",
        "-e",
        &format!("POSTGRES_PASSWORD={password}"),
        "-e",
        "POSTGRES_DB=voting",
        IMAGE,
    ]);
    wait_healthy(&builtin);
    wait_healthy(&external);
    psql(
        &builtin,
        "postgres",
        "postgres",
        &format!(
            "{}; INSERT INTO votes VALUES ('v1','a'),('v2','a'),('v3','b')",
            voting_services::CREATE_TABLE
        ),
    );

    let target = Target {
        image: IMAGE,
        database: Database::Builtin { project: &project },
    };
    // Small: base64 in the results.
    let inline = dump_db(&engine, &target, None).unwrap();
    assert!(inline["dump"].len() > 100, "{inline:?}");
    // To a file on this machine, atomically, 0600.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.sql");
    let written = dump_db(&engine, &target, Some(path.to_str().unwrap())).unwrap();
    assert_eq!(written["path"], path.display().to_string());
    let sql = std::fs::read_to_string(&path).unwrap();
    assert!(sql.contains("CREATE TABLE public.votes"), "{sql}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Into an empty external PostgreSQL, reached on the host's loopback.
    let pg = PgCredentials {
        unit: "postgresql/0".into(),
        host: "127.0.0.1".into(),
        port,
        user: "vote".into(),
        password: password.into(),
        database: "voting".into(),
    };
    let ext = Target {
        image: IMAGE,
        database: Database::External(&pg),
    };
    let count = "SELECT vote || '=' || count(*) FROM votes GROUP BY vote ORDER BY vote";
    restore_db(
        &engine,
        &ext,
        Some(path.to_str().unwrap()),
        None,
        dir.path(),
    )
    .unwrap();
    assert_eq!(psql(&external, "vote", "voting", count), "a=2\nb=1");
    // From the base64 of the results, over what is there: the same counts, no duplicates.
    psql(
        &external,
        "vote",
        "voting",
        "INSERT INTO votes VALUES ('v9','b')",
    );
    restore_db(&engine, &ext, None, Some(&inline["dump"]), dir.path()).unwrap();
    assert_eq!(psql(&external, "vote", "voting", count), "a=2\nb=1");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "scratch file left"
    );
    // And the external one dumps too.
    let again = dump_db(&engine, &ext, None).unwrap();
    assert!(again["bytes"].parse::<usize>().unwrap() > 100);

    // Failures carry the cause, never the password.
    let wrong = PgCredentials {
        password: "wrong".into(),
        ..pg.clone()
    };
    let err = dump_db(
        &engine,
        &Target {
            image: IMAGE,
            database: Database::External(&wrong),
        },
        None,
    )
    .unwrap_err();
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains(password) && !err.contains("wrong"), "{err}");
    let err = restore_db(&engine, &ext, Some("relative.sql"), None, dir.path()).unwrap_err();
    assert!(err.contains("absolute"), "{err}");
    let err = restore_db(&engine, &ext, None, Some("%%%"), dir.path()).unwrap_err();
    assert!(err.contains("base64"), "{err}");
    std::fs::write(dir.path().join("bad.sql"), "SELECT * FROM nowhere;").unwrap();
    let bad = dir.path().join("bad.sql");
    let err = restore_db(&engine, &ext, Some(bad.to_str().unwrap()), None, dir.path()).unwrap_err();
    assert!(err.contains("nowhere"), "{err}");
    let missing = Target {
        image: "charm-test/no-such-postgres",
        database: Database::External(&pg),
    };
    let err = dump_db(&engine, &missing, None).unwrap_err();
    assert!(err.contains("charm-test/no-such-postgres"), "{err}");
}

//! The seed's homework end to end: two voting-app units (each its own emulator model,
//! compose project and ports, sharing an external Redis and PostgreSQL) behind the
//! http-proxy charm's haproxy, all on the real engine. The test plays Juju between the
//! models: each voting-app unit is related to the proxy, and what it publishes on `voting` /
//! `results` (hostname, port) is what the proxy's relation carries.
//!
//! Needs the voting-app binary (`cargo build --workspace --bins`, as scripts/test.sh does)
//! and the images of scripts/build-test-images.sh and scripts/build-voting-images.sh.

#[path = "../../../voting-app/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;

use charm_emulator::{Hook, RemoteUnitSpec};
use common::{External, Unit, docker, eventually, http, remote};

const PROXY: &str = env!("CARGO_BIN_EXE_http-proxy");

/// The voting-app binary next to this test's: cargo builds no binary of another package.
fn voting_app() -> String {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("voting-app");
    assert!(
        bin.is_file(),
        "{} missing: run cargo build -p voting-app (scripts/test.sh builds every binary first)",
        bin.display()
    );
    bin.display().to_string()
}

/// The proxy unit, its container removed on drop.
struct Proxy {
    _cleanup: charm_testing::ProjectCleanup,
    _tmp: tempfile::TempDir,
    runner: charm_emulator::Runner,
    vote: u16,
    results: u16,
}

impl Proxy {
    fn deploy(app: &str) -> Proxy {
        let charm_testing::EmulatedUnit { tmp, runner, .. } = charm_testing::EmulatedUnit::new(
            env!("CARGO_MANIFEST_DIR"),
            &format!("{app}/0"),
            PROXY,
        );
        let [vote, results] = charm_testing::free_ports();
        runner
            .model_dir()
            .transact(|emu| {
                let m = emu.model_mut();
                m.set_config("haproxy-image", "charm-test/haproxy")?;
                m.set_config("bind-address", "127.0.0.1")?;
                m.set_config("vote-port", &vote.to_string())?;
                m.set_config("results-port", &results.to_string())
            })
            .unwrap();
        let proxy = Proxy {
            _cleanup: charm_testing::ProjectCleanup(app.to_owned()),
            _tmp: tmp,
            runner,
            vote,
            results,
        };
        ok(&proxy.runner.deploy().unwrap());
        proxy
    }

    fn status(&self) -> (String, String) {
        let s = self.runner.model_dir().load().unwrap().unit_status;
        (s.status, s.message)
    }
}

fn ok(outcomes: &[charm_emulator::HookOutcome]) {
    for o in outcomes {
        assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
    }
}

/// Relates a voting-app unit's `endpoint` to the proxy (as Juju would: the voting-app side
/// first), and returns what that unit published there.
fn publish(unit: &Unit, endpoint: &str, proxy_app: &str) -> RemoteUnitSpec {
    let (id, outs) = unit
        .runner
        .relate(
            endpoint,
            proxy_app,
            &[remote(&format!("{proxy_app}/0"), &[])],
            &Default::default(),
        )
        .unwrap();
    ok(&outs);
    let model = unit.runner.model_dir().load().unwrap();
    let data: BTreeMap<String, String> = model.relations[&id].local_unit_data.clone();
    assert!(
        data.contains_key("hostname") && data.contains_key("port"),
        "{data:?}"
    );
    RemoteUnitSpec {
        name: model.unit.clone(),
        data,
    }
}

/// Who answered `GET /` through the proxy's vote port: the `X-Served-By` header.
fn served_by(port: u16) -> Option<String> {
    let (status, head, _) = http(port, "GET", "/", &[], "")?;
    if status != 200 {
        return None;
    }
    // haproxy sends header names lower-cased.
    head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("x-served-by")
            .then(|| value.trim().to_owned())
    })
}

#[test]
fn the_proxy_balances_two_units_and_survives_one_stopping() {
    let app = format!("vp-{}", std::process::id());
    let ext = External::start(&app, &app);
    let charm = voting_app();
    let units = [Unit::deploy(&charm, &app, 0), Unit::deploy(&charm, &app, 1)];
    for unit in &units {
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
        ok(&outs);
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
        ok(&outs);
        assert_eq!(unit.services(), ["result", "vote", "worker"]);
    }

    let proxy_app = format!("{app}-proxy");
    let proxy = Proxy::deploy(&proxy_app);
    assert_eq!(
        proxy.status(),
        (
            "waiting".into(),
            "no voting or results servers related yet".into()
        )
    );
    for endpoint in ["voting", "results"] {
        let first = publish(&units[0], endpoint, &proxy_app);
        let (id, outs) = proxy
            .runner
            .relate(endpoint, &app, &[first], &Default::default())
            .unwrap();
        ok(&outs);
        // The second unit joins the same relation later, as `juju add-unit` makes it.
        ok(&proxy
            .runner
            .add_unit(id, &publish(&units[1], endpoint, &proxy_app))
            .unwrap());
    }
    assert_eq!(
        proxy.status(),
        (
            "active".into(),
            "balancing 2 voting and 2 results servers".into()
        )
    );

    // Requests reach both units: counted per unit by the vote container that answered.
    let hostname = |unit: &Unit| {
        docker(&[
            "inspect",
            "-f",
            "{{.Config.Hostname}}",
            &format!("{}-vote-1", unit.project),
        ])
    };
    let names = [hostname(&units[0]), hostname(&units[1])];
    let first = (0..100).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(200));
        served_by(proxy.vote)
    });
    if first.is_none() {
        let container = format!("{proxy_app}-haproxy-1");
        let logs = std::process::Command::new("docker")
            .args(["logs", &container])
            .output()
            .unwrap();
        let cfg =
            std::fs::read_to_string(proxy._tmp.path().join("charm/files/http-proxy/haproxy.cfg"));
        panic!(
            "the proxy never answered on {}: {}\n{}\n{cfg:?}\n{}",
            proxy.vote,
            String::from_utf8_lossy(&logs.stdout),
            String::from_utf8_lossy(&logs.stderr),
            docker(&["ps", "-a", "--filter", &format!("name={proxy_app}")]),
        );
    }
    let mut per_unit = [0; 2];
    for _ in 0..20 {
        let who = eventually(20, "the proxy answers", || served_by(proxy.vote));
        let i = names
            .iter()
            .position(|n| *n == who)
            .unwrap_or_else(|| panic!("{who}?"));
        per_unit[i] += 1;
    }
    assert!(per_unit[0] >= 5 && per_unit[1] >= 5, "{per_unit:?}");
    // A vote through the proxy lands in the shared database, the results through it too.
    let (status, _, _) = http(
        proxy.vote,
        "POST",
        "/",
        &[("Cookie", "voter_id=77")],
        "vote=b",
    )
    .unwrap();
    assert_eq!(status, 200);
    eventually(20, "the vote counted through the proxy", || {
        let (_, _, body) = http(proxy.results, "GET", "/api/results", &[], "")?;
        (body == r#"{"a":0,"b":1}"#).then_some(())
    });

    // One unit's vote container stops: the proxy still answers (its health checks take the
    // server out), from the other unit only; update-status on that unit names it.
    docker(&["stop", &format!("{}-vote-1", units[1].project)]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut streak = 0;
    while streak < 10 {
        assert!(
            std::time::Instant::now() < deadline,
            "the proxy kept failing over"
        );
        match served_by(proxy.vote) {
            Some(who) if who == names[0] => streak += 1,
            _ => streak = 0,
        }
    }
    ok(&[units[1].runner.run(Hook::new("update-status")).unwrap()]);
    assert_eq!(
        units[1].status(),
        (
            "active".into(),
            "Ready to vote! Restarted: vote (exited)".into()
        )
    );
    // Restarted by that hook's `up`: both units answer again.
    eventually(30, "the restarted unit back behind the proxy", || {
        (0..6)
            .any(|_| served_by(proxy.vote).as_deref() == Some(&names[1]))
            .then_some(())
    });
}

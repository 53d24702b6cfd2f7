//! Hook cost that does not grow with the number of related units (issue 17): counts of
//! hook-tool calls and bytes of the unit state, not times. With the harness's Docker double.

use charm_testing::Harness;

use super::voting_app::endpoints;

const UNITS: usize = 1_000;

/// A host name no other unit's contains (`u7.redis.test` is not in `u17.redis.test`).
fn host(n: usize) -> String {
    format!("u{n}.redis.test")
}

/// A deployed unit related to a redis application of `UNITS` units, the snapshot taken.
fn related() -> (Harness, u64) {
    let mut h = Harness::new(
        &super::voting_app::CHARM,
        env!("CARGO_MANIFEST_DIR"),
        "vote/0",
    )
    .unwrap();
    let _docker = h.fake_docker();
    for hook in ["install", "leader-elected", "config-changed", "start"] {
        assert!(h.run(hook).result.is_ok(), "{hook}");
    }
    let (id, outs) = h
        .relate(
            endpoints::REDIS,
            "redis",
            &[("redis/0", &[("host", &host(0)), ("port", "6379")])],
        )
        .unwrap();
    assert!(outs.iter().all(|o| o.result.is_ok()));
    // The other units joined earlier (as if each had its own -joined / -changed): the
    // model gets them at once, and upgrade-charm reads everything again.
    h.with_model(|m| {
        let rel = m.relations.get_mut(&id).unwrap();
        for n in 1..UNITS {
            let unit = rel.remote_units.entry(format!("redis/{n}")).or_default();
            unit.data.insert("host".into(), host(n));
            unit.data.insert("port".into(), "6379".into());
        }
    });
    let out = h.run("upgrade-charm");
    assert!(out.result.is_ok(), "{:?}", out.result);
    (h, id)
}

fn compose(h: &Harness) -> String {
    std::fs::read_to_string(h.charm_dir().join("files/voting-app/docker-compose.yml")).unwrap()
}

#[test]
fn relation_changed_reads_only_the_unit_juju_names_and_keeps_the_others() {
    let (mut h, id) = related();
    let out = h.change_unit_data(id, "redis/500", &[("host", "changed.redis.test")]);
    assert!(out.result.is_ok(), "{:?}", out.result);
    let tools = out.tools_called();
    assert!(
        tools.len() <= 5,
        "{} calls at {UNITS} units: {tools:?}",
        tools.len()
    );
    let reads: Vec<String> = out
        .calls
        .iter()
        .filter(|c| c.tool.starts_with("relation-"))
        .map(|c| format!("{} {}", c.tool, c.args.join(" ")))
        .collect();
    assert!(
        reads.iter().all(|r| r.starts_with("relation-get")),
        "no relation-list, no relation-ids: {reads:?}"
    );
    assert!(reads.iter().any(|r| r.contains("redis/500")), "{reads:?}");
    // The rendering has the new value and still every other unit's host.
    let rendered = compose(&h);
    assert!(
        rendered.contains("changed.redis.test"),
        "the changed unit's new host"
    );
    assert!(!rendered.contains(&host(500)), "its old host is gone");
    for n in [0, 1, 499, 501, UNITS - 1] {
        assert!(rendered.contains(&host(n)), "unit {n}'s host is kept");
    }
}

#[test]
fn a_departed_unit_leaves_the_snapshot_without_a_read() {
    let (mut h, id) = related();
    let out = h.depart(id, "redis/7");
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert!(
        !out.tools_called()
            .iter()
            .any(|t| t.starts_with("relation-")),
        "{:?}",
        out.tools_called()
    );
    let rendered = compose(&h);
    assert!(
        !rendered.contains(&host(7)),
        "redis/7 is gone from the rendering"
    );
    assert!(rendered.contains(&host(8)));
}

#[test]
fn a_hook_that_reads_no_relation_data_pays_nothing_for_the_units() {
    let (mut h, _) = related();
    for hook in ["config-changed", "leader-settings-changed"] {
        let out = h.run(hook);
        assert!(out.result.is_ok(), "{hook}: {:?}", out.result);
        // Steady state: the one config-get, nothing else.
        assert!(
            out.tools_called().len() <= 1,
            "{hook}: {:?}",
            out.tools_called()
        );
    }
    // What every hook reads and writes holds no remote unit's data; that lives in the
    // endpoint's own file, read only when needed.
    let state = std::fs::read_to_string(h.charm_dir().join(charm_core::STATE_FILE)).unwrap();
    assert!(state.len() < 16_000, "unit state is {} bytes", state.len());
    assert!(
        !state.contains("redis/999"),
        "no remote unit in the unit state"
    );
    let files: Vec<_> = std::fs::read_dir(h.charm_dir().join(charm_core::ENDPOINT_DATA_DIR))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("endpoint-redis-"))
        .collect();
    assert_eq!(files.len(), 1, "superseded files are swept: {files:?}");
}

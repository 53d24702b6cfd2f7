//! The harness sets up the unit's world: starting flags and stored data, typed config
//! values, one remote unit's data, one unit more or less.

use charm_testing::Harness;
use serde_json::json;

#[charm_core::charm(
    metadata = "tests/fixtures/world/metadata.yaml",
    config = "tests/fixtures/world/config.yaml",
    flags("app.ready", "app.seen"),
    // The test sets `app.ready` through the harness (`set_flags`).
    allow(never_set("app.ready"))
)]
mod world {
    use charm_core::prelude::*;

    #[when("app.ready")]
    #[when_not("app.seen")]
    fn seen(unit: &mut Unit) -> Result<()> {
        let n: i64 = unit.kv().get("n").unwrap_or(0);
        unit.kv().set("n", n + 1)?;
        unit.flags().set(flags::APP_SEEN);
        Ok(())
    }

    #[when("endpoint.db.changed.host")]
    fn hosts(unit: &mut Unit) -> Result<()> {
        let hosts: Vec<String> = unit
            .endpoint(endpoints::DB)
            .data()
            .map(|ep| {
                ep.units()
                    .filter_map(|(_, bag)| bag.get("host").cloned())
                    .collect()
            })
            .unwrap_or_default();
        unit.kv().set("hosts", hosts)?;
        unit.flags()
            .clear(&flags::ENDPOINT_DB_CHANGED_KEY.with("host")?);
        Ok(())
    }

    #[when("config.changed.debug")]
    fn debug(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        unit.kv().set("debug", (config.debug, config.port))
    }
}

// ANCHOR: harness
fn harness() -> Harness {
    Harness::new(
        &world::CHARM,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/world"),
        "world/0",
    )
    .unwrap()
}
// ANCHOR_END: harness

fn stored(h: &Harness, key: &str) -> serde_json::Value {
    h.snapshot()
        .and_then(|s| s.kv.get(&format!("charm.{key}")).cloned())
        .unwrap_or_default()
}

// ANCHOR: world
#[test]
fn a_unit_starts_from_given_flags_and_stored_data() {
    let h = &mut harness();
    h.set_flags(&["app.ready"]).unwrap();
    h.set_data("n", 41).unwrap();
    let out = h.run("update-status");
    out.result.as_ref().unwrap();
    // The unit's first hook: every config option counts as changed.
    assert_eq!(
        out.trace.handlers(),
        ["world::world::seen", "world::world::debug"]
    );
    assert_eq!(stored(h, "n"), json!(42));
    assert_eq!(out.flags, ["app.ready", "app.seen"]);
    assert_eq!(h.flags(), out.flags);
}
// ANCHOR_END: world

#[test]
fn config_takes_typed_values_checked_against_config_yaml() {
    let h = &mut harness();
    h.run("install").result.unwrap();
    h.set_config_value("debug", true).unwrap();
    h.set_config_value("port", 8080).unwrap();
    h.run("config-changed").result.unwrap();
    assert_eq!(stored(h, "debug"), json!([true, 8080]));

    let err = h.set_config_value("debug", "yes").unwrap_err().to_string();
    assert!(
        err.contains("\"debug\"") && err.contains("boolean"),
        "{err}"
    );
    let err = h.set_config_value("colour", 1).unwrap_err().to_string();
    assert!(err.contains("unknown config option \"colour\""), "{err}");

    h.set_config_value("debug", serde_json::Value::Null)
        .unwrap();
    h.run("config-changed").result.unwrap();
    assert_eq!(
        stored(h, "debug"),
        json!([false, 8080]),
        "back to its default"
    );
}

#[test]
fn one_remote_unit_changes_its_data() {
    let h = &mut harness();
    h.run("install").result.unwrap();
    let (id, _) = h
        .relate(
            "db",
            "kv",
            &[("kv/0", &[("host", "a")]), ("kv/1", &[("host", "b")])],
        )
        .unwrap();
    assert_eq!(stored(h, "hosts"), json!(["a", "b"]));
    let out = h.change_unit_data(id, "kv/1", &[("host", "c")]);
    out.result.as_ref().unwrap();
    assert_eq!(out.hook, "db-relation-changed");
    assert_eq!(out.trace.handlers(), ["world::world::hosts"]);
    assert_eq!(stored(h, "hosts"), json!(["a", "c"]));
    assert!(
        h.model().relations[&id].remote_units["kv/0"].data["host"] == "a",
        "the other unit is untouched"
    );
    let missing = h.change_unit_data(id, "kv/9", &[("host", "x")]);
    assert!(missing.result.is_err());
}

#[test]
fn one_unit_joins_and_one_leaves() {
    let h = &mut harness();
    h.run("install").result.unwrap();
    let (id, _) = h.relate("db", "kv", &[("kv/0", &[("host", "a")])]).unwrap();
    let outs = h.add_unit(id, "kv/1", &[("host", "b")]);
    let hooks: Vec<&str> = outs.iter().map(|o| o.hook.as_str()).collect();
    assert_eq!(hooks, ["db-relation-joined", "db-relation-changed"]);
    assert!(outs.iter().all(|o| o.result.is_ok()));
    assert_eq!(stored(h, "hosts"), json!(["a", "b"]));

    let out = h.remove_unit(id, "kv/0");
    out.result.as_ref().unwrap();
    assert_eq!(out.hook, "db-relation-departed");
    assert!(out.flags.contains(&"endpoint.db.departed".to_owned()));
    assert!(out.flags.contains(&"endpoint.db.joined".to_owned()));
    let units: Vec<String> = h.model().relations[&id]
        .remote_units
        .keys()
        .cloned()
        .collect();
    assert_eq!(units, ["kv/1"]);
    // A later hook where the endpoint is still joined clears `departed`.
    let later = h.run("update-status");
    assert!(!later.flags.contains(&"endpoint.db.departed".to_owned()));
}

//! The custom interface through the in-process harness.

use charm_testing::Harness;

use crate::wiki::{self, endpoints, flags};

fn harness() -> Harness {
    Harness::new(&wiki::CHARM, env!("CARGO_MANIFEST_DIR"), "wiki/0").unwrap()
}

/// Relates `mysql/0` with `data` on `db`; every hook must succeed. Returns the relation id
/// and the last hook's outcome.
fn relate_mysql(h: &mut Harness, data: &[(&str, &str)]) -> (u64, charm_testing::Output) {
    let (id, outs) = h
        .relate(endpoints::DB, "mysql", &[("mysql/0", data)])
        .unwrap();
    for out in &outs {
        out.result.as_ref().unwrap();
    }
    (id, outs.into_iter().last().unwrap())
}

/// Joined, but no usable data: `db.connected` and not `db.available`. The registered
/// type's flags are typed constants, as a built-in interface's are.
fn assert_connected_only(h: &Harness) {
    assert!(h.is_flag_set(flags::DB_CONNECTED));
    assert!(!h.is_flag_set(flags::DB_AVAILABLE));
}

const SERVER: &[(&str, &str)] = &[
    ("host", "10.0.0.4"),
    ("port", "3306"),
    ("user", "relation-3"),
    ("password", "s3cret"),
    ("database", "database-3"),
    ("root_password", "r00t"),
];

#[test]
fn the_registered_type_s_flags_follow_the_remote_data() {
    let mut h = harness();
    h.run("install").result.unwrap();
    assert!(!h.is_flag_set(flags::WIKI_CONFIGURED));
    // Joined, but nothing published yet: connected, not available.
    let (id, _) = relate_mysql(&mut h, &[]);
    assert_connected_only(&h);
    let out = h.change_unit_data(id, "mysql/0", SERVER);
    out.result.as_ref().unwrap();
    assert!(h.is_flag_set(flags::DB_AVAILABLE), "{:?}", out.flags);
    assert!(h.is_flag_set(flags::WIKI_CONFIGURED));
}

#[test]
fn invalid_remote_data_is_a_warning_and_not_available() {
    let mut h = harness();
    let mut bad = SERVER.to_vec();
    bad[1] = ("port", "not-a-port");
    relate_mysql(&mut h, &bad);
    assert_connected_only(&h);
    assert!(!h.is_flag_set(flags::WIKI_CONFIGURED));
    let warnings = h.logs("WARNING");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("mysql/0") && w.contains("`port`")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().all(|w| !w.contains("s3cret")),
        "{warnings:?}"
    );
}

#[test]
fn a_changed_host_reconfigures() {
    let mut h = harness();
    let (id, _) = relate_mysql(&mut h, SERVER);
    assert!(h.is_flag_set(flags::WIKI_CONFIGURED));
    let out = h.change_unit_data(id, "mysql/0", &[("host", "10.0.0.9")]);
    out.result.unwrap();
    let ran: Vec<String> = out
        .trace
        .entries
        .iter()
        .map(|e| e.handler.to_string())
        .collect();
    assert!(ran.iter().any(|r| r.ends_with("::moved")), "{ran:?}");
    assert!(ran.iter().any(|r| r.ends_with("::configure")), "{ran:?}");
}

#[test]
fn the_built_in_redis_registration_still_serves_cache() {
    let mut h = harness();
    let (_, outs) = h
        .relate(
            endpoints::CACHE,
            "redis",
            &[("redis/0", &[("host", "10.0.0.7"), ("port", "6379")])],
        )
        .unwrap();
    for out in &outs {
        out.result.as_ref().unwrap();
    }
    assert!(h.is_flag_set(flags::CACHE_AVAILABLE));
}

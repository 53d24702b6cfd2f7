//! The framework's record of what Juju has (status, opened ports, published relation data)
//! follows what Juju actually has: after a failed hook, or a hook killed between the
//! framework's commit and Juju's, the next hook still converges Juju to the charm's wish.

use charm_testing::Harness;

#[charm_core::charm(
    metadata = "tests/fixtures-juju-view/metadata.yaml",
    config = "tests/fixtures-juju-view/config.yaml"
)]
mod view {
    use charm_core::prelude::*;

    #[hook("{install,config-changed,update-status,website-relation-joined}")]
    fn converge(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        if config.fail {
            unit.status().maintenance("configuring")?;
            return Err(Error::msg("asked to fail"));
        }
        unit.status().active(config.message.clone())?;
        let ports = if config.wide {
            Port::Range {
                from: 8080,
                to: 8090,
                udp: false,
            }
        } else {
            Port::Tcp(8080)
        };
        unit.ports().set([ports]);
        unit.endpoint(endpoints::WEBSITE).publish_http(8080)?;
        Ok(())
    }

    #[hook("collect-metrics")]
    fn metrics(unit: &mut Unit) -> Result<()> {
        let message = unit.config()?.message;
        unit.log().info(format!("metrics while {message}"));
        Ok(())
    }
}

fn harness() -> Harness {
    Harness::new(
        &view::CHARM,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures-juju-view"),
        "view/0",
    )
    .unwrap()
}

#[test]
fn status_is_sent_again_after_a_failed_hook() {
    let mut h = harness();
    h.run("install").result.unwrap();
    assert_eq!(h.unit_status().message, "ready");
    h.set_config("fail", "true").unwrap();
    assert!(h.run("config-changed").result.is_err());
    h.set_config("fail", "false").unwrap();
    let out = h.run("config-changed");
    out.result.unwrap();
    // status-set is immediate in Juju: the failed hook's "configuring" stuck, so "ready"
    // must be sent again (the rolled-back memo used to say "ready" and skip it).
    assert_eq!(h.unit_status().status, "active");
    assert_eq!(h.unit_status().message, "ready");
}

#[test]
fn ports_and_relation_data_converge_after_a_kill_between_the_commits() {
    let mut h = harness();
    let id = h
        .add_relation("website", "haproxy", &[("haproxy/0", &[])])
        .unwrap();
    let killed = h.run_killed_after_commit("install");
    killed.result.unwrap();
    // Juju dropped the hook's writes; our unit state says they were sent.
    assert!(h.opened_ports().is_empty());
    assert!(!h.published(id).contains_key("port"));
    h.run("update-status").result.unwrap();
    assert_eq!(h.opened_ports(), ["8080/tcp"]);
    assert_eq!(
        h.published(id).get("port").map(String::as_str),
        Some("8080")
    );
}

#[test]
fn a_wider_range_over_an_open_port_opens_in_the_next_hook() {
    let mut h = harness();
    h.run("install").result.unwrap();
    assert_eq!(h.opened_ports(), ["8080/tcp"]);
    h.set_config("wide", "true").unwrap();
    // Juju refuses 8080-8090 while 8080 is open, even closed in the same hook.
    let out = h.run("config-changed");
    out.result.unwrap();
    assert!(h.opened_ports().is_empty());
    assert!(
        h.logs("INFO")
            .iter()
            .any(|l| l.contains("opening 8080-8090/tcp in the next hook"))
    );
    h.run("update-status").result.unwrap();
    assert_eq!(h.opened_ports(), ["8080-8090/tcp"]);
}

#[test]
fn http_publishes_each_relations_ingress_address_and_leaves_private_address_to_juju() {
    let mut h = harness();
    let set_ingress = |h: &Harness, address: &str| {
        h.with_model(|m| {
            let mut info = m.network.default.clone();
            info.ingress_addresses = vec![address.to_owned()];
            m.network.bindings.insert("website".into(), info);
        })
    };
    set_ingress(&h, "10.1.2.3");
    h.run("install").result.unwrap();
    let id = h
        .add_relation("website", "haproxy", &[("haproxy/0", &[])])
        .unwrap();
    h.run_relation("website-relation-joined", id, Some("haproxy/0"))
        .result
        .unwrap();
    let published = h.published(id);
    assert_eq!(
        published.get("hostname").map(String::as_str),
        Some("10.1.2.3")
    );
    assert_eq!(published.get("port").map(String::as_str), Some("8080"));
    // Juju's own key, untouched (the emulator fills it with the unit's address).
    assert_eq!(
        published.get("private-address").map(String::as_str),
        Some("127.0.0.1")
    );
    // The address is asked each hook, not cached.
    set_ingress(&h, "10.9.9.9");
    h.run("config-changed").result.unwrap();
    assert_eq!(
        h.published(id).get("hostname").map(String::as_str),
        Some("10.9.9.9")
    );
}

#[test]
fn a_message_starting_with_a_dash_or_holding_a_nul_is_sent() {
    let mut h = harness();
    h.set_config("message", "-5C outside\0inside").unwrap();
    h.run("install").result.unwrap();
    assert_eq!(h.unit_status().message, "-5C outside\u{FFFD}inside");
}

/// collect-metrics runs in a restricted context (jujuc/restricted.go@12baae6d): no
/// config-get, relation or port tools. The framework calls none of them there; handlers see
/// the last committed config.
#[test]
fn collect_metrics_makes_no_restricted_call() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let out = h.run("collect-metrics");
    out.result.as_ref().unwrap();
    assert!(
        out.tools_called().iter().all(|t| *t == "juju-log"),
        "{:?}",
        out.tools_called()
    );
    assert!(h.logs("INFO").iter().any(|l| l == "metrics while ready"));
    // The next hook still sees the config as unchanged.
    let next = h.run("config-changed");
    next.result.as_ref().unwrap();
    assert!(
        !next.tools_called().contains(&"status-set"),
        "{:?}",
        next.tools_called()
    );
}

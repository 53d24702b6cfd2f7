//! The in-process harness: state in, one hook, state out, with the emulator's semantics.

use charm_testing::Harness;

// ANCHOR: setup
#[charm_core::charm(
    metadata = "tests/fixtures/metadata.yaml",
    config = "tests/fixtures/config.yaml",
    flags("web.running")
)]
mod web {
    use charm_core::prelude::*;

    #[when_not("web.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.status().active("serving")?;
        unit.flags().set(flags::WEB_RUNNING);
        Ok(())
    }

    #[when("config.changed.port")]
    fn ports(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        if config.port == 13 {
            return Err(Error::msg("unlucky port"));
        }
        unit.ports().set([Port::Tcp(config.port as u16)]);
        unit.endpoint(endpoints::WEBSITE)
            .publish_http(config.port as u16)?;
        Ok(())
    }

    #[when("website.available")]
    fn publish(unit: &mut Unit) -> Result<()> {
        let port = unit.config()?.port as u16;
        unit.endpoint(endpoints::WEBSITE).publish_http(port)
    }
}

fn harness() -> Harness {
    Harness::new(
        &web::CHARM,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"),
        "web/0",
    )
    .unwrap()
}
// ANCHOR_END: setup

// ANCHOR: state_transition
#[test]
fn a_hook_turns_one_state_into_the_next() {
    let mut h = harness();
    let out = h.run("install");
    out.result.as_ref().unwrap();
    assert_eq!(h.unit_status().message, "serving");
    assert_eq!(h.opened_ports(), ["8080/tcp"]);
    assert!(h.is_flag_set(web::flags::WEB_RUNNING));
    assert_eq!(
        out.trace.handlers(),
        ["harness::web::start", "harness::web::ports"]
    );

    let id = h
        .add_relation(web::endpoints::WEBSITE, "haproxy", &[("haproxy/0", &[])])
        .unwrap();
    h.run_relation("website-relation-joined", id, Some("haproxy/0"))
        .result
        .unwrap();
    let published = h.published(id);
    assert_eq!(published.get("port").map(String::as_str), Some("8080"));
    assert_eq!(
        published.get("private-address").map(String::as_str),
        Some("127.0.0.1")
    );

    h.set_config("port", "9090").unwrap();
    let out = h.run("config-changed");
    out.result.as_ref().unwrap();
    assert_eq!(h.opened_ports(), ["9090/tcp"]);
    assert_eq!(
        h.published(id).get("port").map(String::as_str),
        Some("9090")
    );
    let tools = out.tools_called();
    assert!(
        tools.contains(&"relation-set")
            && tools.contains(&"open-port")
            && tools.contains(&"close-port"),
        "{tools:?}"
    );
}

// ANCHOR_END: state_transition

#[test]
fn a_failing_hook_leaves_ports_relation_data_and_flags_as_before() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let id = h
        .add_relation(web::endpoints::WEBSITE, "haproxy", &[("haproxy/0", &[])])
        .unwrap();
    h.run_relation("website-relation-joined", id, Some("haproxy/0"))
        .result
        .unwrap();
    let (ports, data, snapshot) = (h.opened_ports(), h.published(id), h.snapshot());

    h.set_config("port", "13").unwrap();
    let out = h.run("config-changed");
    assert_eq!(
        out.result.unwrap_err().to_string(),
        "handler `harness::web::ports` failed: unlucky port"
    );
    assert_eq!(h.opened_ports(), ports);
    assert_eq!(h.published(id), data);
    assert_eq!(h.snapshot(), snapshot);
    assert_eq!(h.unit_status().status, "error");
}

#[test]
fn a_steady_state_hook_makes_at_most_three_calls_and_no_writes() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let out = h.run("config-changed");
    out.result.as_ref().unwrap();
    let tools = out.tools_called();
    assert!(tools.len() <= 3, "{tools:?}");
    assert!(
        !tools
            .iter()
            .any(|t| ["status-set", "open-port", "close-port", "relation-set"].contains(t)),
        "{tools:?}"
    );
}

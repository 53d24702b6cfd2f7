//! Valid programs the macros must accept (issue 9, item 5), each run through the harness:
//! storage, workload (pebble), secret, `meter-status-changed`, `leader-deposed` and
//! `juju-info-relation-*` hooks; the short relation form `redis: redis`; a subordinate's
//! container-scoped `juju-info`; a layer flag one edit away from a charm flag and one under
//! an endpoint's prefix; a `set_flag` of the author's own type; a handler without a unit.

use std::sync::atomic::{AtomicUsize, Ordering};

use charm_testing::Harness;

#[charm_core::layer(flags("app.read", "redis.configured"))]
mod base {
    use charm_core::prelude::*;

    #[hook("install")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_READ);
        unit.flags().set(flags::REDIS_CONFIGURED);
        Ok(())
    }
}

static TICKS: AtomicUsize = AtomicUsize::new(0);

/// The author's own type with a `set_flag` method: its strings are not charm flags.
#[derive(Default)]
pub struct Checklist(Vec<String>);

impl Checklist {
    pub fn set_flag(&mut self, item: &str) {
        self.0.push(item.to_owned());
    }
}

#[charm_core::charm(
    metadata = "../fixtures/juju-rules/metadata.yaml",
    config = "../fixtures/juju-rules/config.yaml",
    flags("app.ready", "seen.storage", "seen.workload", "seen.unit", "seen.juju-info"),
    layers(crate::base),
    // The test reads the `seen.*` flags: they record which hooks ran.
    allow(unread("seen.storage", "seen.workload", "seen.unit", "seen.juju-info")),
)]
mod rules {
    use charm_core::prelude::*;

    #[hook("data-storage-{attached,detaching}")]
    fn storage(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::SEEN_STORAGE);
        Ok(())
    }

    #[hook("app-pebble-{ready,custom-notice,check-failed,check-recovered}")]
    fn workload(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::SEEN_WORKLOAD);
        Ok(())
    }

    #[hook("{meter-status-changed,leader-deposed,secret-changed,secret-expired,secret-remove,secret-rotate}")]
    fn unit_hooks(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::SEEN_UNIT);
        Ok(())
    }

    #[hook("juju-info-relation-{joined,changed}")]
    fn principal(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::SEEN_JUJU_INFO);
        Ok(())
    }

    // `app.read` is the layer's, one edit away from this charm's `app.ready`;
    // `redis.configured` is the layer's too, under the prefix of endpoint `redis`.
    #[when("app.read", "redis.configured")]
    #[when_not("app.ready")]
    fn ready(unit: &mut Unit) -> Result<()> {
        let mut list = super::Checklist::default();
        list.set_flag("anything at all");
        unit.flags().set(flags::APP_READY);
        Ok(())
    }

    // The short form `redis: redis` is an endpoint of interface `redis`.
    #[when("redis.available")]
    fn with_redis(unit: &mut Unit, redis: &Redis) -> Result<()> {
        unit.status().active(format!("redis at {}", redis.host_list()))
    }

    // Needs nothing from the hook.
    #[hook("update-status")]
    fn tick() -> Result<()> {
        super::TICKS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

fn main() {
    let dir = format!("{}/juju-rules", ui_tests::FIXTURES);
    let mut h = Harness::new(&rules::CHARM, &dir, "juju-rules/0").unwrap();
    let ok = |out: charm_testing::Output| out.result.unwrap();
    ok(h.run("install"));
    assert!(h.flags().contains(&"app.ready".to_owned()), "{:?}", h.flags());
    // Storage and secret hooks are about an instance or a secret, as Juju runs them.
    let (_, attached) = h.attach_storage("data").unwrap();
    ok(attached);
    assert!(h.flags().contains(&"seen.storage".to_owned()), "{:?}", h.flags());
    for (hook, flag) in [
        ("app-pebble-ready", "seen.workload"),
        ("app-pebble-check-recovered", "seen.workload"),
        ("meter-status-changed", "seen.unit"),
    ] {
        ok(h.run(hook));
        assert!(h.flags().contains(&flag.to_owned()), "{hook}: {:?}", h.flags());
    }
    let secret = h.add_remote_secret("vault", &[("token", "x")], true).unwrap();
    ok(h.run_secret_hook("secret-rotate", &secret, None));
    // `leader-deposed` is a hook name Juju knows, so a handler for it compiles; but Juju's
    // uniter never runs it (operation/leader.go's resignLeadership), and the emulator, like
    // Juju, refuses to.
    let refused = h.run("leader-deposed").result.unwrap_err().to_string();
    assert!(refused.contains("Juju never runs leader-deposed"), "{refused}");
    // The subordinate's container-scoped `juju-info`, related to its principal.
    let id = h.add_relation("juju-info", "principal", &[("principal/0", &[])]).unwrap();
    ok(h.run_relation("juju-info-relation-joined", id, Some("principal/0")));
    assert!(h.flags().contains(&"seen.juju-info".to_owned()), "{:?}", h.flags());
    ok(h.run("update-status"));
    assert_eq!(TICKS.load(Ordering::SeqCst), 1);
}

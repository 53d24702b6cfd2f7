//! The examples of charm-macros' documentation, verbatim but for the fixture paths: a
//! proc-macro crate cannot run its own macros in doc tests, so they are compiled and run
//! here. Keep the two in sync. (One charm per crate: one file per example.)

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

/// The handler attributes' examples, in one charm.
#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.configured", "app.running", "app.installed", "app.reload"),
    // The examples set `app.reload` for the test to see.
    allow(unread("app.reload")),
)]
mod attributes {
    use charm_core::prelude::*;

    // ANCHOR: when
    #[when("app.configured", "redis.available")]
    fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
        unit.status().active(format!("redis at {}", redis.host_list()))
    }
    // ANCHOR_END: when

    // ANCHOR: when_all
    #[when_all("app.configured", "config.changed.vote_port")]
    fn reopen(unit: &mut Unit) -> Result<()> {
        let port = u16::try_from(unit.config()?.vote_port)
            .map_err(|_| Error::msg("vote_port is not a TCP port"))?;
        unit.ports().set([Port::Tcp(port)]);
        Ok(())
    }
    // ANCHOR_END: when_all

    // ANCHOR: when_not
    #[when_not("app.configured")]
    fn configure(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_CONFIGURED);
        Ok(())
    }
    // ANCHOR_END: when_not

    // ANCHOR: when_none
    #[when_none("redis.available", "app.running")]
    fn wait(unit: &mut Unit) -> Result<()> {
        unit.status().waiting("waiting for redis")
    }
    // ANCHOR_END: when_none

    // ANCHOR: when_any
    #[when_any("config.changed.vote_image", "config.changed.vote_port")]
    fn restart(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }
    // ANCHOR_END: when_any

    // ANCHOR: when_not_all
    #[when_not_all("redis.available", "postgres.database.available")]
    fn blocked(unit: &mut Unit) -> Result<()> {
        unit.status().blocked("relate redis and postgres")
    }
    // ANCHOR_END: when_not_all

    // ANCHOR: hook
    #[hook("{install,upgrade-charm}")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_INSTALLED);
        Ok(())
    }
    // ANCHOR_END: hook

    // ANCHOR: hook_role
    #[hook("{requires:redis}-relation-{joined,changed}")]
    fn redis_changed(unit: &mut Unit) -> Result<()> {
        unit.log().info("redis changed");
        Ok(())
    }
    // ANCHOR_END: hook_role

    // ANCHOR: only_once
    #[when("app.installed")]
    #[only_once]
    fn render(unit: &mut Unit) -> Result<()> {
        std::fs::write(unit.charm_path("app.env"), "VOTE_PORT=5000\n")
            .map_err(|e| Error::Message(e.to_string()))
    }
    // ANCHOR_END: only_once

    // ANCHOR: when_file_changed
    #[when_file_changed("app.env")]
    fn reload(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RELOAD);
        Ok(())
    }
    // ANCHOR_END: when_file_changed
}

fn short(report: &charm_core::HookReport) -> Vec<String> {
    handlers_run(report)
        .iter()
        .map(|n| n.rsplit("::").next().unwrap().to_owned())
        .collect()
}

fn main() {
    // The attributes: no relation, first hook.
    let model = Rc::new(RefCell::new(Model::with_default_config()));
    let dir = tempfile::tempdir().unwrap();
    let report = run_hook(&attributes::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    assert_eq!(
        short(&report),
        ["install", "configure", "wait", "restart", "blocked", "render", "reopen", "reload"],
    );
    assert_eq!(attributes::CHARM.layer.handlers.len(), 10);
}

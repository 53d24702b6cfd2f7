//! The examples of charm-macros' documentation, verbatim but for the fixture paths: a
//! proc-macro crate cannot run its own macros in doc tests, so they are compiled and run
//! here. Keep the two in sync.

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

/// `#[charm]`'s example.
mod charm_example {
    #[charm_core::charm(
        metadata = "../fixtures/metadata.yaml",
        config = "../fixtures/config.yaml",
        flags("app.configured", "app.running"),
    )]
    pub mod voting {
        use charm_core::prelude::*;

        #[when_not("app.configured")]
        fn configure(unit: &mut Unit) -> Result<()> {
            let config = unit.config()?; // typed: `config.vote_image: String`
            unit.status_maintenance(format!("pulling {}", config.vote_image))?;
            unit.set_flag("app.configured");
            Ok(())
        }

        // Receives `redis` then `postgres`: the order its flags name them.
        #[when("app.configured", "redis.available", "postgres.database.available")]
        #[when_not("app.running")]
        fn start(unit: &mut Unit, redis: Redis, db: &Postgres) -> Result<()> {
            let port = unit.config()?.vote_port; // i64, from `type: int`
            let user = db.credentials().map(|c| c.user.clone()).unwrap_or_default();
            unit.open_port(port as u16);
            unit.status_active(format!("redis {} db user {user}", redis.host_list()))?;
            unit.set_flag("app.running");
            Ok(())
        }
    }

    #[allow(dead_code)]
    fn main() -> std::process::ExitCode {
        voting::CHARM.main()
    }
}

/// `#[layer]`'s example.
mod layer_example {
    #[charm_core::layer(flags("base.ready"))]
    mod base {
        use charm_core::prelude::*;

        #[when_not("base.ready")]
        fn prepare(unit: &mut Unit) -> Result<()> {
            unit.set_flag("base.ready");
            Ok(())
        }
    }

    #[charm_core::charm(
        metadata = "../fixtures/metadata.yaml",
        config = "../fixtures/config.yaml",
        flags("app.running", "app.stale"),
        layers(super::base),
        trigger(when = "app.running", clear = "app.stale"),
    )]
    pub mod voting {
        use charm_core::prelude::*;

        #[only_once]
        fn mark_stale(unit: &mut Unit) -> Result<()> {
            unit.set_flag("app.stale");
            Ok(())
        }

        // `base.ready` is the layer's: checked against `base::LAYER.flags` at compile time.
        #[when("base.ready", "app.stale")]
        #[when_not("app.running")]
        fn start(unit: &mut Unit) -> Result<()> {
            unit.set_flag("app.running"); // the trigger clears `app.stale` right here
            Ok(())
        }
    }
}

/// The handler attributes' examples, in one charm.
#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.configured", "app.running", "app.installed", "app.reload"),
)]
mod attributes {
    use charm_core::prelude::*;

    #[when("app.configured", "redis.available")]
    fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
        unit.status_active(format!("redis at {}", redis.host_list()))
    }

    #[when_all("app.configured", "config.changed.vote_port")]
    fn reopen(unit: &mut Unit) -> Result<()> {
        let port = unit.config()?.vote_port;
        unit.set_ports([Port::Tcp(port as u16)]);
        Ok(())
    }

    #[when_not("app.configured")]
    fn configure(unit: &mut Unit) -> Result<()> {
        unit.set_flag("app.configured");
        Ok(())
    }

    #[when_none("redis.available", "app.running")]
    fn wait(unit: &mut Unit) -> Result<()> {
        unit.status_waiting("waiting for redis")
    }

    #[when_any("config.changed.vote_image", "config.changed.vote_port")]
    fn restart(unit: &mut Unit) -> Result<()> {
        unit.clear_flag("app.running");
        Ok(())
    }

    #[when_not_all("redis.available", "postgres.database.available")]
    fn blocked(unit: &mut Unit) -> Result<()> {
        unit.status_blocked("relate redis and postgres")
    }

    #[hook("{install,upgrade-charm}")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.set_flag("app.installed");
        Ok(())
    }

    #[hook("{requires:redis}-relation-{joined,changed}")]
    fn redis_changed(unit: &mut Unit) -> Result<()> {
        unit.log(LogLevel::Info, "redis changed");
        Ok(())
    }

    #[when("app.installed")]
    #[only_once]
    fn render(unit: &mut Unit) -> Result<()> {
        std::fs::write(unit.charm_path("app.env"), "VOTE_PORT=5000\n")
            .map_err(|e| Error::Message(e.to_string()))
    }

    #[when_file_changed("app.env")]
    fn reload(unit: &mut Unit) -> Result<()> {
        unit.set_flag("app.reload");
        Ok(())
    }
}

fn short(report: &charm_core::HookReport) -> Vec<String> {
    handlers_run(report)
        .iter()
        .map(|n| n.rsplit("::").next().unwrap().to_owned())
        .collect()
}

fn main() {
    // `#[charm]`: with redis and postgres related, `start` gets both, in flag order.
    let mut model = Model::with_default_config();
    model.relate("redis", "redis:1", "redis/0", &[("host", "10.0.0.5"), ("port", "6379")]);
    let pg = [
        ("host", "10.0.0.9"),
        ("port", "5432"),
        ("user", "vote"),
        ("password", "s3cret"),
        ("database", "voting_app"),
        ("master", "host=10.0.0.9 dbname=voting_app"),
    ];
    model.relate("postgres", "postgres:2", "postgresql/0", &pg);
    let model = Rc::new(RefCell::new(model));
    let dir = tempfile::tempdir().unwrap();
    let report = run_hook(&charm_example::voting::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    assert_eq!(short(&report), ["configure", "start"]);

    // `#[layer]`: the only_once-only handler in the hooks phase, then the layer's handler
    // before the charm's; the trigger cleared `app.stale`.
    let model = Rc::new(RefCell::new(Model::with_default_config()));
    let dir = tempfile::tempdir().unwrap();
    let report = run_hook(&layer_example::voting::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    assert_eq!(short(&report), ["mark_stale", "prepare", "start"]);

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

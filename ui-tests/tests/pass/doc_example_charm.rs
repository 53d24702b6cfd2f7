//! The examples of charm-macros' documentation, verbatim but for the fixture paths: a
//! proc-macro crate cannot run its own macros in doc tests, so they are compiled and run
//! here. Keep the two in sync. (One charm per crate: one file per example.)

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

/// `#[charm]`'s example.
mod charm_example {
    // ANCHOR: charm
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
            unit.status().maintenance(format!("pulling {}", config.vote_image))?;
            unit.flags().set(flags::APP_CONFIGURED);
            Ok(())
        }

        // Receives `redis` then `postgres`: the order its flags name them.
        #[when("app.configured", "redis.available", "postgres.database.available")]
        #[when_not("app.running")]
        fn start(unit: &mut Unit, redis: Redis, db: &Postgres) -> Result<()> {
            // `vote_port` is an i64 (`type: int`): `try_from`, never `as u16`
            // (70000 would silently become 4464).
            let port = u16::try_from(unit.config()?.vote_port)
                .map_err(|_| Error::msg("vote_port is not a TCP port"))?;
            let user = db.credentials().map(|c| c.user.clone()).unwrap_or_default();
            unit.ports().open(port);
            let hosts = redis.host_list();
            unit.status().active(format!("redis {hosts} db user {user}"))?;
            unit.flags().set(flags::APP_RUNNING);
            Ok(())
        }
    }

    #[allow(dead_code)]
    fn main() -> std::process::ExitCode {
        voting::CHARM.main()
    }
    // ANCHOR_END: charm
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
}

//! The seed's voting app in miniature: typed config, endpoint parameters injected in flag
//! order, charm flags set in bodies. Runs `install` against a fake unit agent with Redis
//! and PostgreSQL related, and checks which handlers ran and what the charm reported.

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.configured", "app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.configured")]
    fn configure(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        unit.status().maintenance(format!("pulling {}", config.vote_image))?;
        unit.flags().set(flags::APP_CONFIGURED);
        Ok(())
    }

    /// Receives `redis` then `postgres`: the order its flags name them.
    #[when("app.configured", "redis.available", "postgres.database.available")]
    #[when_not("app.running")]
    fn start(unit: &mut Unit, redis: Redis, db: &Postgres) -> Result<()> {
        let config = unit.config()?;
        let user = db.credentials().map(|c| c.user.clone()).unwrap_or_default();
        unit.ports().open(config.vote_port as u16);
        unit.status().active(format!("redis {} db user {user}", redis.host_list()))?;
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    /// A helper without handler attributes: never registered; flag literals in its body are
    /// checked too.
    pub(super) fn describe(config: &Config) -> String {
        format!("{} on {}", config.result_image, config.result_port)
    }
}

fn main() {
    // The registry lists the handlers in source order, with module paths.
    let names: Vec<&str> = voting::CHARM.layer.handlers.iter().map(|h| h.name).collect();
    assert_eq!(names.len(), 2);
    assert!(names[0].ends_with("voting::configure"), "{names:?}");
    assert!(names[1].ends_with("voting::start"), "{names:?}");
    assert_eq!(voting::CHARM.name, "voting-app");
    assert_eq!(voting::CHARM.config.len(), 7);
    assert!(voting::CHARM.endpoint("postgres").is_some());

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

    let report = run_hook(&voting::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    let ran = handlers_run(&report);
    assert_eq!(ran.len(), 2, "{ran:?} {:#?}", model.borrow());
    assert!(ran[1].ends_with("voting::start"));
    let statuses = model.borrow().statuses.clone();
    assert!(statuses[0].contains("pulling docker/example-voting-app-vote:latest"), "{statuses:?}");
    assert!(statuses.last().unwrap().contains("redis 10.0.0.5 db user vote"), "{statuses:?}");

    // The next hook: both flags are set and persisted, nothing runs again.
    let report = run_hook(&voting::CHARM, dir.path(), "update-status", &model);
    report.result.as_ref().unwrap();
    assert!(handlers_run(&report).is_empty(), "{:?}", handlers_run(&report));

    // The typed config: a field per option, typed from config.yaml.
    let _ = |c: &voting::Config| -> (String, i64) { (voting::describe(c), c.vote_port) };
}

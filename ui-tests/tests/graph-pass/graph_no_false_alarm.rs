//! The flag graph's checks must not fire on flags the framework, a layer or a trigger sets,
//! nor on cycles something stops. The registry carries what each handler sets and clears.

#[charm_core::layer(flags("base.ready", "base.job.*"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.ready")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        mark(unit);
        Ok(())
    }

    // A helper of the module: the graph follows the call.
    fn mark(unit: &mut Unit) {
        unit.flags().set(flags::BASE_READY);
    }

    // ANCHOR: declared
    // A flag through a closure's parameter: the graph cannot name it, the handler
    // declares it.
    #[when("base.ready")]
    #[sets("base.job.*")]
    fn jobs(unit: &mut Unit) -> Result<()> {
        let start = |unit: &mut Unit, job: &DynFlag| unit.flags().set(job);
        start(unit, &flags::BASE_JOB.with("blue")?);
        Ok(())
    }

    // A local bound to a flag is that flag: nothing to declare.
    #[when("base.job.blue")]
    fn green(unit: &mut Unit) -> Result<()> {
        let job = flags::BASE_JOB.with("green")?;
        unit.flags().set(&job);
        Ok(())
    }
    // ANCHOR_END: declared
}

#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.running", "app.announced", "app.cache.used", "app.checked"),
    layers(crate::base, greeter_layer::greeter),
    trigger(when = "app.running", set = "app.announced"),
)]
mod voting {
    use charm_core::prelude::*;

    // A layer of another crate sets `greeter.greeted`, a layer of this crate `base.ready`
    // and `base.job.blue` (a pattern), the redis interface `redis.available`.
    #[when("greeter.greeted", "base.ready", "base.job.blue", "redis.available")]
    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    // Only the trigger sets `app.announced`.
    #[when("app.announced", "config.changed.vote_image")]
    fn announce(unit: &mut Unit) -> Result<()> {
        unit.status().active("announced")
    }

    // `use_cache` and `drop_cache` set and clear each other's flag, but `postgres.connected`,
    // which neither touches, keeps them apart: no cycle.
    #[when("postgres.connected")]
    #[when_not("app.cache.used")]
    fn use_cache(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_CACHE_USED);
        Ok(())
    }

    #[when_not("postgres.connected")]
    #[when("app.cache.used")]
    fn drop_cache(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_CACHE_USED);
        Ok(())
    }

    // Read in code only: not dead state.
    #[only_once]
    fn check(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_CHECKED);
        Ok(())
    }

    #[when("endpoint.redis.changed.host")]
    fn moved(unit: &mut Unit) -> Result<()> {
        if unit.flags().is_set(flags::APP_CHECKED) {
            unit.flags().toggle(flags::APP_RUNNING, false);
        }
        Ok(())
    }
}

fn main() {
    let handlers = voting::CHARM.layer.handlers;
    let by_name = |name: &str| {
        handlers
            .iter()
            .find(|h| h.name.ends_with(&format!("::{name}")))
            .unwrap()
    };
    assert_eq!(by_name("start").sets, ["app.running"]);
    assert_eq!(by_name("drop_cache").clears, ["app.cache.used"]);
    assert_eq!(by_name("moved").sets, ["app.running"]);
    assert_eq!(by_name("moved").clears, ["app.running"]);
    assert_eq!(base::LAYER.handlers[0].sets, ["base.ready"]);
    assert_eq!(base::LAYER.handlers[1].sets, ["base.job.*"]);
    assert_eq!(base::LAYER.handlers[2].sets, ["base.job.*"]);
    assert!(greeter_layer::greeter::LAYER.handlers[0].sets.contains(&"greeter.greeted"));
}

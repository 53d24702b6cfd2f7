// Five mistakes in one charm, all reported by one compile; the valid handler still
// registers, and no mistake cascades into errors elsewhere.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.configured"),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("config-chaged")]
    fn reconfigure(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_CONFIGURD);
        Ok(())
    }

    #[when("redis.available", "config.changed.vote_prot")]
    fn connect(unit: &mut Unit, redis: Postgres) -> Result<()> {
        let _ = redis;
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running")]
    #[when_not("app.running")]
    fn never(unit: &mut Unit) -> Result<()> {
        unit.status().active("unreachable")
    }

    // Valid: still registered, so `CHARM` below exists and names it.
    #[when_not("app.configured")]
    fn configure(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_CONFIGURED);
        Ok(())
    }
}

fn main() {
    assert_eq!(voting::CHARM.layer.handlers.len(), 1);
}

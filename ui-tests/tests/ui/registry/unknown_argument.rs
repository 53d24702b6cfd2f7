// A misspelt argument: the nearest is suggested, and nothing cascades from what it would
// have declared (no "missing metadata.yaml", no unknown flags).
#[charm_core::charm(
    metdata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit, redis: Redis) -> Result<()> {
        let _ = redis;
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

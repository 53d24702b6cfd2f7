// `start` sets what `stop` waits for, `stop` clears it again: they wake each other forever.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    // ANCHOR: cycle
    #[when("redis.available")]
    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running")]
    fn stop(unit: &mut Unit) -> Result<()> {
        restart(unit);
        Ok(())
    }

    // Through a helper of the module: the graph follows the call.
    fn restart(unit: &mut Unit) {
        unit.flags().clear(flags::APP_RUNNING);
    }
    // ANCHOR_END: cycle
}

fn main() {}

// A function with a handler's signature, no condition and no caller: it would never run.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("running")
    }
}

fn main() {}

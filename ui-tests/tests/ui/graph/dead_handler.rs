// `start` waits for `app.configured`, which nothing in this charm sets: it never runs.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.configured", "app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.configured")]
    #[when_not("app.running")]
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

// Declarations are checked against the body: `start` names every flag it sets, so it cannot
// declare more, and `stop` declares what its body already shows.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.stale"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    #[sets("app.stale")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running", "app.stale")]
    #[clears("app.running")]
    fn stop(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running")]
    #[sets("app.runing")]
    fn typo(unit: &mut Unit) -> Result<()> {
        unit.status().active("running")
    }

    #[sets("app.running")]
    fn helper(unit: &mut Unit) {
        unit.flags().set(flags::APP_RUNNING);
    }
}

fn main() {}

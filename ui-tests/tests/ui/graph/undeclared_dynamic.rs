// A flag through a closure's parameter: the graph cannot name it, so the handler must
// declare it.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        let set = |unit: &mut Unit, flag: Flag| unit.flags().set(flag);
        set(unit, flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("running")
    }
}

fn main() {}

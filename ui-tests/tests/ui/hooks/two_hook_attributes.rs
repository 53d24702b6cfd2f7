// Stacked conditions AND together: one hook can never be two.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("install")]
    #[hook("upgrade-charm")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

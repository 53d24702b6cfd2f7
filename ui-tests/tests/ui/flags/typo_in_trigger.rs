// A trigger naming a flag nobody declares.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.configured"),
    trigger(when = "config.changed", clear = "app.configurd"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.configured")]
    fn configure(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_CONFIGURED);
        Ok(())
    }
}

fn main() {}

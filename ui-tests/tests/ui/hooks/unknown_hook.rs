// Juju never runs `config-chaged`: the nearest hook is suggested.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("config-chaged")]
    fn reconfigure(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

// A layer that the crate's charm does not list in `layers(...)`: its handlers never run.
#[charm_core::layer(flags("base.ready"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.ready")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::BASE_READY);
        Ok(())
    }
}

#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    #[hook("install")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.status().maintenance("installing")
    }
}

fn main() {}

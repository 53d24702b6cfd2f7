// `base.ready` is the layer's, declared in its `flags(...)`, but no handler or trigger of the
// layer sets it: the layer's registry says so in const code.
#[charm_core::layer(flags("base.ready", "base.installed"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.installed")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::BASE_INSTALLED);
        Ok(())
    }
}

#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    layers(crate::base),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("base.ready")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.status().active("running")
    }
}

fn main() {}

// The same layer listed twice would register its handlers twice.
#[charm_core::layer(flags("base.ready"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.ready")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::BASE_READY);
        Ok(())
    }
}

#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    layers(crate::base, crate::base),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("base.ready")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }
}

fn main() {}

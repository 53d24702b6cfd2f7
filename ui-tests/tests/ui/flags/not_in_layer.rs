// A flag that a layer of this crate would have to declare: checked against the layers'
// declarations in const code, with the error on the literal.
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
    layers(crate::base),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("base.redy")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }
}

fn main() {}

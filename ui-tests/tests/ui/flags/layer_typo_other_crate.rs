// A typo of a flag of a layer in another crate, in a condition: the macro cannot read that
// crate, so a const check names the nearest flag its layers declare.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    layers(greeter_layer::greeter),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("greeter.greetd")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("greeted")
    }
}

fn main() {}

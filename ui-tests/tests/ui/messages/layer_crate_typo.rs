// A typo of a flag declared by a layer in another crate: the const check names the flag.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    layers(greeter_layer::greeter),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("greeter.greted")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("greeted")
    }
}

fn main() {}

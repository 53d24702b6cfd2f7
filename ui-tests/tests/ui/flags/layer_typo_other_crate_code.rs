// A typo of a flag of a layer in another crate, in code: the layer's typed flags are
// re-exported in the charm's `flags`, so rustc suggests the right one.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
    layers(greeter_layer::greeter),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        if unit.flags().is_set(flags::GREETER_GRETED) {
            unit.flags().set(flags::APP_RUNNING);
        }
        Ok(())
    }
}

fn main() {}

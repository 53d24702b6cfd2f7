//! A layer defined in a library crate: charms include it with `layers(greeter_layer::greeter)`
//! and its handlers run before theirs, in the same dispatch.

// ANCHOR: layer
/// Greets once per unit and says so with a flag.
#[charm_core::layer(flags("greeter.greeted"))]
pub mod greeter {
    use charm_core::prelude::*;

    #[when_not("greeter.greeted")]
    fn greet(unit: &mut Unit) -> Result<()> {
        unit.log().info("greeter layer: hello");
        unit.flags().set(flags::GREETER_GREETED);
        Ok(())
    }
}
// ANCHOR_END: layer

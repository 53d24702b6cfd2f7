// Inside the module, too, handler attributes go on functions only.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.running")]
    const READY: &str = "ready";

    #[when("app.running")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active(READY)
    }
}

fn main() {}

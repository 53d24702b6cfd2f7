// Required and forbidden at once: the handler could never run.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.running")]
    #[when_not("app.running")]
    fn never(unit: &mut Unit) -> Result<()> {
        unit.status().active("unreachable")
    }
}

fn main() {}

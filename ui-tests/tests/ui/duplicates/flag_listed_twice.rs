// A flag listed twice in one handler's conditions.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.paused"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.running", "app.paused")]
    #[when("app.running")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }
}

fn main() {}

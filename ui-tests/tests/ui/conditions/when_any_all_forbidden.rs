// Every alternative of `when_any` is forbidden by `when_not`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.paused"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_any("app.running", "app.paused")]
    #[when_not("app.running", "app.paused")]
    fn never(unit: &mut Unit) -> Result<()> {
        unit.status().active("unreachable")
    }
}

fn main() {}

// `when_not_all` needs one flag missing, but `when` requires them all.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.paused"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.running", "app.paused")]
    #[when_not_all("app.running", "app.paused")]
    fn never(unit: &mut Unit) -> Result<()> {
        unit.status().active("unreachable")
    }
}

fn main() {}

// A typo in a condition's flag: the nearest declared flag is suggested.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.runing")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }
}

fn main() {}

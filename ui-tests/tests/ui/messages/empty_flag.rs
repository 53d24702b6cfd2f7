// An empty flag is called empty.
#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    #[when("")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }
}

fn main() {}

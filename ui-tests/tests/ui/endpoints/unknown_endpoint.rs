// An endpoint metadata.yaml does not declare.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("endpoint.redsi.joined")]
    fn joined(unit: &mut Unit) -> Result<()> {
        unit.status().waiting("waiting for redis")
    }
}

fn main() {}

// A flag nothing declares or provides, far from every known flag.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("web.started")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }
}

fn main() {}

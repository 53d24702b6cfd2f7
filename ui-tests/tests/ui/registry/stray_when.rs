// A handler outside the charm module is in no registry: it would never run.
use charm_core::prelude::*;

#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {}

#[when("app.running")]
fn report(unit: &mut Unit) -> Result<()> {
    unit.status().active("ready")
}

fn main() {
    let _ = &voting::CHARM;
}

// A leadership flag of a setting `leader(...)` does not declare.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    leader("admin-password"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("leadership.changed.admin-pasword")]
    fn store(unit: &mut Unit) -> Result<()> {
        let _ = unit.leader().get(leader::ADMIN_PASSWORD)?;
        Ok(())
    }
}

fn main() {}

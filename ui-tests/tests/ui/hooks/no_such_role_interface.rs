// `{requires:mysql}` expands to no endpoint of metadata.yaml.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("{requires:mysql}-relation-joined")]
    fn joined(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

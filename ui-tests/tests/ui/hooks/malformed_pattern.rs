// An unbalanced brace in a hook pattern.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("{install,upgrade-charm")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.status().maintenance("installing")
    }
}

fn main() {}

// Two charms in one crate: a crate builds one charm binary.
#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    #[hook("install")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.status().maintenance("installing")
    }
}

#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod results {
    use charm_core::prelude::*;

    #[hook("install")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.status().maintenance("installing")
    }
}

fn main() {}

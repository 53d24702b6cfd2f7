// Storage names are the constants `#[charm]` generates from metadata.yaml's `storage:`.
#[charm_core::charm(metadata = "../../fixtures/storage/metadata.yaml")]
mod archive {
    use charm_core::prelude::*;

    #[hook("data-storage-attached")]
    fn attached(unit: &mut Unit) -> Result<()> {
        let _ = unit.storage().location(storage::DAAT)?;
        Ok(())
    }
}

fn main() {}

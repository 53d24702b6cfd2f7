// A storage hook names a storage of metadata.yaml.
#[charm_core::charm(metadata = "../../fixtures/storage/metadata.yaml")]
mod archive {
    use charm_core::prelude::*;

    #[hook("cache-storage-attached")]
    fn attached(unit: &mut Unit) -> Result<()> {
        let _ = unit;
        Ok(())
    }
}

fn main() {}

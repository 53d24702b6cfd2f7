// `storage.<name>.attached` exists for each storage of metadata.yaml.
#[charm_core::charm(metadata = "../../fixtures/storage/metadata.yaml")]
mod archive {
    use charm_core::prelude::*;

    #[when("storage.dat.attached")]
    fn ready(unit: &mut Unit) -> Result<()> {
        let _ = unit;
        Ok(())
    }
}

fn main() {}

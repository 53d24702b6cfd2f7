// Storage names, flags and hooks from metadata.yaml's `storage:`.
#[charm_core::charm(metadata = "../fixtures/storage/metadata.yaml")]
mod archive {
    use charm_core::prelude::*;

    #[when("storage.data.attached")]
    fn ready(unit: &mut Unit) -> Result<()> {
        let _ = unit.storage().location(storage::DATA)?;
        Ok(())
    }

    #[hook("logs-storage-{attached,detaching}")]
    fn logs(unit: &mut Unit) -> Result<()> {
        let _ = unit.storage().instances(storage::LOGS)?;
        Ok(())
    }
}

fn main() {
    assert_eq!(archive::storage::DATA.name(), "data");
    assert_eq!(archive::flags::STORAGE_LOGS_ATTACHED.name(), "storage.logs.attached");
}

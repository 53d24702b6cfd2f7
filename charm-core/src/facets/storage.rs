//! The storage facet: `unit.storage()` (types in [`crate::storage`]).

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::storage::{StorageInstance, StorageName};
use crate::unit::Unit;

impl Unit {
    /// Storage of metadata.yaml: instances, locations, storage-add (see [`Storage`]).
    pub fn storage(&mut self) -> Storage<'_> {
        Storage { unit: self }
    }
}

/// The storage facet: `unit.storage()`. Each method is one hook tool call per instance.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when("storage.data.attached")]
///     fn use_data(unit: &mut Unit) -> Result<()> {
///         if let Some(dir) = unit.storage().location(storage::DATA)? {
///             unit.log().info(format!("data at {}", dir.display()));
///         }
///         Ok(())
///     }
/// }
/// ```
pub struct Storage<'u> {
    unit: &'u mut Unit,
}

impl Storage<'_> {
    /// The instances of `name` attached to this unit (`storage-list`, then `storage-get`
    /// for each).
    pub fn instances(&mut self, name: StorageName) -> Result<Vec<StorageInstance>> {
        let ids = self.unit.juju.storage_list(Some(name.name()))?;
        ids.iter()
            .map(|id| self.unit.juju.storage_get(Some(id)))
            .collect()
    }

    /// The location of the only (or first) instance of `name`, if one is attached.
    pub fn location(&mut self, name: StorageName) -> Result<Option<PathBuf>> {
        let ids = self.unit.juju.storage_list(Some(name.name()))?;
        match ids.first() {
            Some(id) => Ok(Some(self.unit.juju.storage_get(Some(id))?.location)),
            None => Ok(None),
        }
    }

    /// The instance a storage hook is about (`JUJU_STORAGE_ID`, `_KIND`, `_LOCATION`).
    pub fn hook_instance(&self) -> Option<&StorageInstance> {
        self.unit.env.contract.storage.as_ref()
    }

    /// Asks Juju for `count` more instances of `name`; they attach after this hook
    /// (their `-storage-attached` hooks run next).
    pub fn add(&mut self, name: StorageName, count: u32) -> Result<()> {
        if count == 0 {
            return Err(Error::msg(format!(
                "storage-add {}: count must be at least 1",
                name.name()
            )));
        }
        self.unit.juju.storage_add(name.name(), count)
    }
}

//! Juju storage: typed [`StorageName`]s generated from metadata.yaml's `storage:`, the
//! instances the [`Storage`](crate::facets::Storage) facet (`unit.storage()`) gives, and the
//! storage flags.
//!
//! `#[charm]` generates a `storage` module with one constant per entry
//! (`storage::DATA: StorageName` for `data`), so an unknown storage name is rustc's own
//! error with its "a constant with a similar name exists" suggestion. The framework sets
//! `storage.<name>.attached` in `<name>-storage-attached` and clears it in
//! `<name>-storage-detaching` when the last instance goes, as charms.reactive's endpoint
//! flags follow relations.
//!
//! ```
//! #[charm_core::charm(metadata = "tests/fixtures/doc/app/metadata.yaml", config = "tests/fixtures/doc/app/config.yaml")]
//! mod app {
//!     use charm_core::prelude::*;
//!
//!     #[when("storage.data.attached")]
//!     fn migrate(unit: &mut Unit) -> Result<()> {
//!         for instance in unit.storage().instances(storage::DATA)? {
//!             unit.log().info(format!("{} at {}", instance.id, instance.location.display()));
//!         }
//!         Ok(())
//!     }
//! }
//! assert_eq!(app::flags::STORAGE_DATA_ATTACHED.name(), "storage.data.attached");
//! ```

use std::path::PathBuf;

use serde::Deserialize;

use crate::error::Result;
use crate::unit::Unit;

/// A storage of metadata.yaml, as `#[charm]` generates it (`storage::DATA`).
///
/// ```
/// #[charm_core::charm(metadata = "tests/fixtures/doc/app/metadata.yaml", config = "tests/fixtures/doc/app/config.yaml")]
/// mod app {}
/// let data: charm_core::StorageName = app::storage::DATA;
/// assert_eq!(data.name(), "data");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StorageName(&'static str);

impl StorageName {
    /// For the macros' generated constants: the name was checked against metadata.yaml.
    #[doc(hidden)]
    pub const fn __checked(name: &'static str) -> Self {
        Self(name)
    }

    /// The name, e.g. `data`.
    pub const fn name(&self) -> &'static str {
        self.0
    }
}

/// `filesystem` or `block`.
///
/// ```
/// let kind: charm_core::StorageKind = serde_json::from_str(r#""block""#).unwrap();
/// assert_eq!(kind, charm_core::StorageKind::Block);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// A mounted directory.
    Filesystem,
    /// A block device.
    Block,
}

/// One attached storage instance.
///
/// ```
/// use charm_core::{StorageInstance, StorageKind};
/// let data = StorageInstance { id: "data/0".into(), kind: StorageKind::Filesystem, location: "/srv/data".into() };
/// assert!(data.location.ends_with("data"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageInstance {
    /// Its id, `data/0`.
    pub id: String,
    /// Filesystem or block device.
    pub kind: StorageKind,
    /// The mount point, or the device path.
    pub location: PathBuf,
}

/// Raises and drops the storage flags in storage hooks.
pub(crate) fn manage_flags(unit: &mut Unit) -> Result<()> {
    let hook = unit.env.hook.clone();
    if let Some(name) = hook.strip_suffix("-storage-attached") {
        unit.flags
            .set(&format!("storage.{name}.attached"), serde_json::Value::Null);
    } else if let Some(name) = hook.strip_suffix("-storage-detaching") {
        let leaving = unit.env.contract.storage.as_ref().map(|s| s.id.clone());
        let others = unit
            .juju
            .storage_list(Some(name))?
            .into_iter()
            .filter(|id| Some(id) != leaving.as_ref())
            .count();
        if others == 0 {
            unit.flags.clear(&format!("storage.{name}.attached"));
        }
    }
    Ok(())
}

//! `unit.kv()`: the charm's own data, committed with the hook.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Unit;
use crate::error::Result;

const KV_DATA_CHANGED: &str = "data_changed.";

/// Values the charm keeps between hooks (charms.reactive's `unitdata.kv()`), committed with
/// the flags only when the hook succeeds: `unit.kv().set("count", 3)?`.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("update-status")]
///     fn count(unit: &mut Unit) -> Result<()> {
///         let runs: u64 = unit.kv().get("runs").unwrap_or(0);
///         unit.kv().set("runs", runs + 1)?;
///         assert_eq!(unit.kv().get::<u64>("runs"), Some(runs + 1));
///         Ok(())
///     }
/// }
/// ```
pub struct Kv<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The stored-data facet.
    pub fn kv(&mut self) -> Kv<'_> {
        Kv { unit: self }
    }
}

impl Kv<'_> {
    /// Reads a value stored with [`Kv::set`], if present and of type `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.unit
            .kv
            .get(&format!("charm.{key}"))
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// Stores a value, committed with the flags when the hook succeeds.
    pub fn set(&mut self, key: &str, value: impl Serialize) -> Result<()> {
        self.unit
            .kv
            .insert(format!("charm.{key}"), serde_json::to_value(value)?);
        Ok(())
    }

    /// Whether `value` differs from the one given for `key` last time (true the first time),
    /// as charms.reactive's `data_changed`. Only a hash is kept, committed with the hook.
    pub fn data_changed(&mut self, key: &str, value: &impl Serialize) -> Result<bool> {
        let hash = crate::unit::hex(&Sha256::digest(serde_json::to_vec(value)?));
        let slot = format!("{KV_DATA_CHANGED}{key}");
        let changed = self.unit.kv.get(&slot).and_then(Value::as_str) != Some(hash.as_str());
        self.unit.kv.insert(slot, Value::String(hash));
        Ok(changed)
    }
}

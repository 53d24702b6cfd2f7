//! `unit.leader()`: leadership and leader settings, in the spirit of layer-leadership
//! (stub42/layer-leadership `reactive/leadership.py@2450d975`).
//!
//! For a charm that declares its settings (`#[charm(leader("admin-password"))]`), every
//! hook starts as layer-leadership's `initialize_leadership_state` does: the flag
//! `leadership.is_leader` follows `is-leader`; for each declared key,
//! `leadership.set.<key>` is set while the setting has a value and
//! `leadership.changed.<key>` while it differs from the value the last successful hook saw
//! (so it lasts one hook). On the leader, [`Leader::set`] updates both flags at once, as
//! layer-leadership's `leader_set` does, so leader and followers share handlers.
//!
//! Unlike layer-leadership (whose `leader_set` calls `leader-set` at once), the write is
//! sent with the hook's other buffered writes at hook end, only if every handler
//! succeeded: a failed hook changes no setting.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Unit;
use crate::error::{Error, Result};

/// Where the settings the last successful hook saw are kept in the unit state.
const KV_SETTINGS: &str = "leadership.settings";
const IS_LEADER: &str = "leadership.is_leader";

/// A leader setting declared in `#[charm(leader(...))]`: a constant of the generated
/// `leader` module (`leader::ADMIN_PASSWORD` for `"admin-password"`).
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     leader("admin-password"),
/// )]
/// mod app {}
///
/// assert_eq!(app::leader::ADMIN_PASSWORD.name(), "admin-password");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderKey(&'static str);

impl LeaderKey {
    /// Made by the macros only.
    #[doc(hidden)]
    pub const fn __checked(name: &'static str) -> Self {
        Self(name)
    }

    /// The setting's name.
    pub const fn name(self) -> &'static str {
        self.0
    }
}

/// Whether this unit leads its application, and the leader settings.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     leader("admin-password"),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when("leadership.is_leader")]
///     #[when_not("leadership.set.admin-password")]
///     fn choose_password(unit: &mut Unit) -> Result<()> {
///         unit.leader().set(leader::ADMIN_PASSWORD, "s3cret")?;
///         assert_eq!(unit.leader().get(leader::ADMIN_PASSWORD)?.as_deref(), Some("s3cret"));
///         Ok(())
///     }
/// }
/// ```
pub struct Leader<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The leadership facet.
    pub fn leader(&mut self) -> Leader<'_> {
        Leader { unit: self }
    }
}

impl Leader<'_> {
    /// Whether this unit is the leader (`is-leader`, asked once per hook). Juju guarantees
    /// leadership for 30 seconds after it answers `True`: long enough for one hook.
    pub fn is_leader(&mut self) -> Result<bool> {
        self.unit.leader_cached()
    }

    /// A leader setting, as this hook sees it (with this hook's own [`Leader::set`]s).
    pub fn get(&mut self, key: LeaderKey) -> Result<Option<String>> {
        Ok(settings(self.unit)?.get(key.0).cloned())
    }

    /// Sets a leader setting, sent with `leader-set` at hook end if the hook succeeds.
    /// Only the leader may: on another unit this is an error naming the key.
    pub fn set(&mut self, key: LeaderKey, value: impl Into<String>) -> Result<()> {
        self.write(key, Some(value.into()))
    }

    /// Removes a leader setting (at hook end, leader only).
    pub fn unset(&mut self, key: LeaderKey) -> Result<()> {
        self.write(key, None)
    }

    fn write(&mut self, key: LeaderKey, value: Option<String>) -> Result<()> {
        if !self.unit.leader_cached()? {
            return Err(Error::msg(format!(
                "leader setting `{}`: only the leader sets leader settings, and {} is not the leader",
                key.0, self.unit.env.unit_name
            )));
        }
        let value = value.filter(|v| !v.is_empty());
        let current = settings(self.unit)?.get(key.0).cloned();
        if current != value {
            self.unit
                .flags
                .set(&format!("leadership.changed.{}", key.0), Value::Null);
        }
        let set = format!("leadership.set.{}", key.0);
        match &value {
            Some(_) => self.unit.flags.set(&set, Value::Null),
            None => self.unit.flags.clear(&set),
        }
        let cache = self.unit.pending.leader_settings.get_or_insert_default();
        match &value {
            Some(v) => cache.insert(key.0.to_owned(), v.clone()),
            None => cache.remove(key.0),
        };
        // What the leader itself saw: the next hook raises no `changed` for its own write.
        let seen = cache.clone();
        self.unit
            .kv
            .insert(KV_SETTINGS.to_owned(), serde_json::to_value(seen)?);
        self.unit
            .pending
            .leader_writes
            .insert(key.0.to_owned(), value.unwrap_or_default());
        Ok(())
    }
}

/// The settings as of now: one `leader-get` per hook, then this hook's writes.
fn settings(unit: &mut Unit) -> Result<&BTreeMap<String, String>> {
    if unit.pending.leader_settings.is_none() {
        let current = unit.juju.leader_get()?;
        unit.pending.leader_settings = Some(current);
    }
    Ok(unit.pending.leader_settings.get_or_insert_default())
}

/// layer-leadership's `initialize_leadership_state`, for the declared keys, at hook start.
pub(crate) fn start(unit: &mut Unit) -> Result<()> {
    let keys = unit.charm().leader;
    if keys.is_empty() {
        return Ok(());
    }
    if unit.leader_cached()? {
        unit.flags.set(IS_LEADER, Value::Null);
    } else {
        unit.flags.clear(IS_LEADER);
    }
    let previous: BTreeMap<String, String> = unit
        .kv
        .get(KV_SETTINGS)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let current = settings(unit)?.clone();
    for key in keys {
        let changed = format!("leadership.changed.{key}");
        if current.get(*key) != previous.get(*key) {
            unit.flags.set(&changed, Value::Null);
        } else {
            unit.flags.clear(&changed);
        }
        let set = format!("leadership.set.{key}");
        if current.contains_key(*key) {
            unit.flags.set(&set, Value::Null);
        } else {
            unit.flags.clear(&set);
        }
    }
    unit.kv
        .insert(KV_SETTINGS.to_owned(), serde_json::to_value(&current)?);
    Ok(())
}

/// Sends this hook's leader settings (one `leader-set`), at hook end.
pub(crate) fn flush(unit: &mut Unit) -> Result<()> {
    let writes = std::mem::take(&mut unit.pending.leader_writes);
    if writes.is_empty() {
        return Ok(());
    }
    unit.juju.leader_set(&writes)
}

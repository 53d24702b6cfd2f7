//! The record of the status Juju has, kept outside the hook's transaction.
//!
//! `status-set` takes effect at once and is never rolled back (juju/juju
//! `internal/worker/uniter/runner/context/context.go@06bd0f8f` `SetUnitStatus`: an API call
//! made at once). The framework skips a `status-set` that repeats the status Juju already
//! shows, so its memory of that status must follow Juju, not the hook: it lives in its own
//! file (`.unit-status.json` in the charm directory), written right after each successful
//! `status-set` and never rolled back with a failed hook. Before each call the slot is
//! forgotten, so a hook killed between Juju's answer and the write leaves "unknown", and the
//! next hook sends the status again rather than trusting a stale record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Result;

/// The memo file, relative to the charm directory.
pub const STATUS_MEMO_FILE: &str = ".unit-status.json";

/// Statuses Juju has, by slot (`unit`, `application`).
#[derive(Debug)]
pub(crate) struct StatusMemo {
    path: PathBuf,
    slots: BTreeMap<String, Value>,
}

impl StatusMemo {
    /// Loads the memo of `charm_dir` (an unreadable or absent file means nothing is known).
    pub(crate) fn load(charm_dir: &Path) -> Self {
        let path = charm_dir.join(STATUS_MEMO_FILE);
        let slots = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Self { path, slots }
    }

    /// What Juju shows in `slot`, as far as we know.
    pub(crate) fn get(&self, slot: &str) -> Option<&Value> {
        self.slots.get(slot)
    }

    /// Forgets `slot` on disk before a `status-set`.
    pub(crate) fn forget(&mut self, slot: &str) -> Result<()> {
        if self.slots.remove(slot).is_some() {
            self.save()?;
        }
        Ok(())
    }

    /// Records what a successful `status-set` made Juju show.
    pub(crate) fn record(&mut self, slot: &str, value: Value) -> Result<()> {
        self.slots.insert(slot.to_owned(), value);
        self.save()
    }

    fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec(&self.slots)?;
        crate::write_atomically(&self.path, &bytes, 0o600)
    }
}

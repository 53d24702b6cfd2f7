//! The sequences Juju runs for storage and secrets, on the [`Runner`].
//!
//! Storage: Juju runs `<name>-storage-attached` for each instance as it attaches (for the
//! storage a unit is deployed with, before `install`: uniter `storage` resolver), and
//! `<name>-storage-detaching` before it goes; an instance asked for with `storage-add` attaches
//! once the hook that asked commits. Secrets: `secret-changed` runs on a consumer when the
//! owner publishes a new revision; `secret-rotate`, `secret-expired` and `secret-remove` on
//! the owner.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::context::Hook;
use crate::error::Result;
use crate::runner::{HookOutcome, Runner};

impl Runner {
    /// Attaches a new instance of storage `name` (at `location`, or a fresh directory under
    /// the model's `agent/storage/`) and runs its `-storage-attached` hook.
    pub fn attach_storage(&self, name: &str, location: Option<PathBuf>) -> Result<HookOutcome> {
        let id = self
            .model_dir()
            .transact(|emu| emu.model_mut().attach_storage(name, location))?;
        self.run(Hook::new(format!("{name}-storage-attached")).with_storage(id))
    }

    /// Runs `-storage-attached` for every instance `storage-add` asked for, in order.
    pub fn attach_requested_storage(&self) -> Result<Vec<HookOutcome>> {
        let ids = self.model_dir().transact(|emu| {
            Ok(std::mem::take(
                &mut emu.model_mut().contract.storage_to_attach,
            ))
        })?;
        let mut outcomes = Vec::new();
        for id in ids {
            let name = id.split('/').next().unwrap_or_default().to_owned();
            let outcome =
                self.run(Hook::new(format!("{name}-storage-attached")).with_storage(id))?;
            let failed = !outcome.success();
            outcomes.push(outcome);
            if failed {
                break;
            }
        }
        Ok(outcomes)
    }

    /// Runs `-storage-detaching` for instance `id` (`data/0`); the instance is gone once the
    /// hook succeeds.
    pub fn detach_storage(&self, id: &str) -> Result<HookOutcome> {
        let name = id.split('/').next().unwrap_or_default();
        self.run(Hook::new(format!("{name}-storage-detaching")).with_storage(id))
    }

    /// The owner of secret `uri` (another application) publishes a new revision with
    /// `content`; `secret-changed` runs on this unit, which tracks the secret.
    pub fn change_secret(
        &self,
        uri: &str,
        content: &BTreeMap<String, String>,
    ) -> Result<HookOutcome> {
        self.model_dir()
            .transact(|emu| emu.model_mut().update_secret(uri, content))?;
        self.run(Hook::new("secret-changed").with_secret(uri, None))
    }

    /// Runs `hook` (`secret-rotate`, `secret-expired`, `secret-remove`) for secret `uri`
    /// this unit owns, with `revision` for the last two.
    pub fn secret_hook(&self, hook: &str, uri: &str, revision: Option<u32>) -> Result<HookOutcome> {
        self.run(Hook::new(hook).with_secret(uri, revision))
    }
}

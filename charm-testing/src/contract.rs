//! The harness's part of the rest of the contract: secrets, storage, resources, goal-state,
//! trust and the Juju version, set up before a hook and inspected after it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use charm_emulator::{Hook, Secret};

use crate::{Harness, Output};

fn owned(content: &[(&str, &str)]) -> BTreeMap<String, String> {
    content
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl Harness {
    /// A secret owned by another application `owner`, with `content`; `granted` says whether
    /// it was granted to this unit. Returns its URI, to put in config or relation data.
    pub fn add_remote_secret(
        &self,
        owner: &str,
        content: &[(&str, &str)],
        granted: bool,
    ) -> charm_emulator::Result<String> {
        self.with_model(|m| m.add_remote_secret(owner, &owned(content), granted))
    }

    /// The owner of secret `uri` publishes a new revision; `secret-changed` runs here.
    pub fn change_secret(&mut self, uri: &str, content: &[(&str, &str)]) -> Output {
        if let Err(err) = self.with_model(|m| m.update_secret(uri, &owned(content))) {
            return self.failed_setup("secret-changed", err);
        }
        self.run_hook(Hook::new("secret-changed").with_secret(uri, None))
    }

    /// Runs `secret-rotate`, `secret-expired` or `secret-remove` for a secret this unit owns.
    pub fn run_secret_hook(&mut self, hook: &str, uri: &str, revision: Option<u32>) -> Output {
        self.run_hook(Hook::new(hook).with_secret(uri, revision))
    }

    /// Every secret the unit sees (owned or consumed), by id, as committed.
    pub fn secrets(&self) -> BTreeMap<String, Secret> {
        self.model().contract.secrets.clone()
    }

    /// The latest committed content of secret `uri` (`secret:<id>` or the bare id).
    pub fn secret_content(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let id = charm_emulator::secret_id(uri)?.to_owned();
        let model = self.model();
        let secret = model.contract.secrets.get(&id)?;
        secret.content(secret.latest())
    }

    /// Attaches a new instance of storage `name` (a fresh directory) and runs its
    /// `-storage-attached` hook; returns the instance id with what the hook did.
    pub fn attach_storage(&mut self, name: &str) -> charm_emulator::Result<(String, Output)> {
        let id = self.with_model(|m| m.attach_storage(name, None))?;
        let hook = Hook::new(format!("{name}-storage-attached")).with_storage(id.clone());
        Ok((id, self.run_hook(hook)))
    }

    /// Runs `-storage-detaching` for instance `id`; it is gone once the hook succeeds.
    pub fn detach_storage(&mut self, id: &str) -> Output {
        let name = id.split('/').next().unwrap_or_default().to_owned();
        self.run_hook(Hook::new(format!("{name}-storage-detaching")).with_storage(id))
    }

    /// Runs `-storage-attached` for each instance `storage-add` asked for.
    pub fn attach_requested_storage(&mut self) -> Vec<Output> {
        let ids = self.with_model(|m| std::mem::take(&mut m.contract.storage_to_attach));
        ids.into_iter()
            .map(|id| {
                let name = id.split('/').next().unwrap_or_default().to_owned();
                self.run_hook(Hook::new(format!("{name}-storage-attached")).with_storage(id))
            })
            .collect()
    }

    /// Attached storage: id to location.
    pub fn storage(&self) -> BTreeMap<String, PathBuf> {
        self.model()
            .contract
            .storage
            .iter()
            .map(|(id, s)| (id.clone(), s.location.clone()))
            .collect()
    }

    /// Gives resource `name` of metadata.yaml the file at `path`.
    pub fn set_resource(&self, name: &str, path: impl Into<PathBuf>) -> charm_emulator::Result<()> {
        let path = path.into();
        self.with_model(|m| {
            if !m.contract.resource_defs.contains_key(name) {
                return Err(charm_emulator::Error::invalid(format!(
                    "unknown resource {name:?} (metadata.yaml declares: {})",
                    m.contract
                        .resource_defs
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            m.contract.resources.insert(name.to_owned(), path);
            Ok(())
        })
    }

    /// Sets what `goal-state` answers (`{"units": {...}, "relations": {...}}`).
    pub fn set_goal_state(&self, state: serde_json::Value) {
        self.with_model(|m| m.contract.goal_state = Some(state));
    }

    /// Trusts the application (`juju trust`) or not: `credential-get` answers only then.
    pub fn set_trusted(&self, trusted: bool) {
        self.with_model(|m| m.contract.trusted = trusted);
    }

    /// The Juju version hooks see in `JUJU_VERSION`.
    pub fn set_juju_version(&self, version: &str) {
        self.with_model(|m| m.juju_version = version.to_owned());
    }

    /// The version the charm set with `application-version-set`.
    pub fn workload_version(&self) -> String {
        self.model().application_version.clone()
    }
}

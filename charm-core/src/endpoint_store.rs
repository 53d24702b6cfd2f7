//! Where the endpoint snapshots live, so that no hook pays for remote units it does not touch.
//!
//! The unit state (`.unit-state.json`, read and written by every hook) keeps only a small
//! [`Summary`] per endpoint: its relation ids, remote applications and number of joined units,
//! the interface flags last computed, and the name of the file holding the remote data. That
//! data (every remote unit's bag, secrets as hash markers) is in a file of its own per endpoint
//! in `.unit-state.d/`, named by its content hash: it is read only when a hook needs the data
//! (a relation hook of the endpoint, a handler reading it), and a new version is a new file, so
//! the unit state's atomic commit is also the commit of the data it names. Files no committed
//! state names are removed by a later commit.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::endpoint::Endpoint;
use crate::error::{Error, Result};

/// Key of the summaries in the unit state's framework data.
const KV_SUMMARY: &str = "endpoints.summary";
/// Key of the whole snapshots in unit states written before this module (migrated on read).
const KV_LEGACY: &str = "endpoints";
/// The directory of the data files, in the charm directory.
pub const ENDPOINT_DATA_DIR: &str = ".unit-state.d";

/// What the unit state keeps of one endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Summary {
    /// Its relations, in the order Juju listed them.
    pub relations: Vec<RelationSummary>,
    /// `(relation id, unit or application)` whose stored bag holds a secret as a marker:
    /// those bags are read again from Juju in every hook, so handlers see the real value.
    #[serde(default)]
    pub redacted: Vec<(String, String)>,
    /// The built-in interface flags as last computed, re-applied in hooks that do not read
    /// the endpoint.
    #[serde(default)]
    pub flags: Vec<(String, bool)>,
    /// The data file's name in [`ENDPOINT_DATA_DIR`].
    pub file: String,
}

/// One relation of a [`Summary`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelationSummary {
    /// `endpoint:N`.
    pub id: String,
    /// The remote application, when known.
    #[serde(default)]
    pub app: Option<String>,
    /// How many remote units are joined.
    pub units: usize,
}

/// The endpoints of one hook: summaries always, data on demand.
#[derive(Debug)]
pub(crate) struct Endpoints {
    dir: PathBuf,
    summaries: BTreeMap<String, Summary>,
    /// Data read from a file (or Juju) this hook; an error names the file.
    data: BTreeMap<String, OnceCell<std::result::Result<Endpoint, String>>>,
    /// Endpoints whose data this hook replaced: written at commit.
    changed: BTreeSet<String>,
    /// The files the loaded state names (kept until a newer state is committed).
    committed_files: BTreeSet<String>,
    /// Interface flags computed this hook, for the summaries written at commit.
    pending_flags: BTreeMap<String, Vec<(String, bool)>>,
}

impl Endpoints {
    /// Reads the summaries from the unit state's framework data; a state written before this
    /// module (whole snapshots inline) is migrated: its data is written to files at commit.
    pub(crate) fn load(charm_dir: &Path, kv: &mut BTreeMap<String, Value>) -> Self {
        let summaries: BTreeMap<String, Summary> = kv
            .get(KV_SUMMARY)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        let committed_files = summaries.values().map(|s| s.file.clone()).collect();
        let data = summaries
            .keys()
            .map(|k| (k.clone(), OnceCell::new()))
            .collect();
        let mut endpoints = Self {
            dir: charm_dir.join(ENDPOINT_DATA_DIR),
            summaries,
            data,
            changed: BTreeSet::new(),
            committed_files,
            pending_flags: BTreeMap::new(),
        };
        if let Some(legacy) = kv.remove(KV_LEGACY)
            && let Ok(legacy) = serde_json::from_value::<BTreeMap<String, Endpoint>>(legacy)
        {
            for (name, endpoint) in legacy {
                endpoints.insert(&name, endpoint);
            }
        }
        endpoints
    }

    /// Whether a snapshot of `name` exists (its summary, and its data file on disk).
    pub(crate) fn has(&self, name: &str) -> bool {
        if self.changed.contains(name) {
            return true;
        }
        self.summaries
            .get(name)
            .is_some_and(|s| self.dir.join(&s.file).is_file())
    }

    /// The summary of `name`, as committed by the last successful hook.
    pub(crate) fn summary(&self, name: &str) -> Option<&Summary> {
        self.summaries.get(name)
    }

    /// The data of `name`, read from its file on first use. `Ok(None)` when there is no
    /// snapshot; an unreadable file is an error naming it.
    pub(crate) fn get(&self, name: &str) -> Result<Option<&Endpoint>> {
        let Some(cell) = self.data.get(name) else {
            return Ok(None);
        };
        // A cell without a summary was filled by `insert`.
        let path = self.summaries.get(name).map(|s| self.dir.join(&s.file));
        let read = cell.get_or_init(|| match &path {
            Some(path) => read_data(path),
            None => Err("no snapshot".to_owned()),
        });
        match read {
            Ok(endpoint) => Ok(Some(endpoint)),
            Err(message) => Err(Error::CorruptState {
                path: path.unwrap_or_else(|| self.dir.clone()),
                message: message.clone(),
            }),
        }
    }

    /// Replaces the data of `name` (read from Juju this hook): written at commit.
    pub(crate) fn insert(&mut self, name: &str, endpoint: Endpoint) {
        let cell = OnceCell::new();
        let _ = cell.set(Ok(endpoint));
        self.data.insert(name.to_owned(), cell);
        self.changed.insert(name.to_owned());
    }

    /// Records the interface flags computed for `name`, for hooks that do not read it.
    pub(crate) fn set_flags(&mut self, name: &str, flags: &[(String, bool)]) {
        self.pending_flags.insert(name.to_owned(), flags.to_vec());
    }

    /// The relation ids of `name`: from this hook's data when read, else from the summary.
    pub(crate) fn relation_ids(&self, name: &str) -> Vec<String> {
        if self.changed.contains(name)
            && let Ok(Some(ep)) = self.get(name)
        {
            return ep.relation_ids().map(str::to_owned).collect();
        }
        self.summaries
            .get(name)
            .map(|s| s.relations.iter().map(|r| r.id.clone()).collect())
            .unwrap_or_default()
    }

    /// Writes the data of every endpoint replaced this hook to its file (secrets as markers)
    /// and puts the summaries in `kv`, the unit state to commit. Files that neither the
    /// committed state nor this one names are removed (left by failed or superseded hooks).
    pub(crate) fn commit(&mut self, kv: &mut BTreeMap<String, Value>) -> Result<()> {
        if self.changed.is_empty() {
            return Ok(());
        }
        for name in std::mem::take(&mut self.changed) {
            let Some(Ok(endpoint)) = self.data.get(&name).and_then(|c| c.get()) else {
                continue;
            };
            let stored = crate::redact::redact(endpoint);
            let mut bytes = serde_json::to_vec(&stored)?;
            bytes.push(b'\n');
            let digest = Sha256::digest(&bytes);
            let file = format!("endpoint-{name}-{}.json", crate::unit::hex(&digest[..12]));
            let path = self.dir.join(&file);
            if !path.is_file() {
                crate::store::write_atomically(&path, &bytes, 0o600)?;
            }
            let flags = self
                .pending_flags
                .remove(&name)
                .or_else(|| self.summaries.get(&name).map(|s| s.flags.clone()))
                .unwrap_or_default();
            self.summaries
                .insert(name, summarise(endpoint, &stored, flags, file));
        }
        kv.insert(
            KV_SUMMARY.to_owned(),
            serde_json::to_value(&self.summaries)?,
        );
        self.sweep();
        Ok(())
    }

    /// Best effort: a file left behind costs disk, not correctness.
    fn sweep(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let keep: BTreeSet<&str> = self
            .committed_files
            .iter()
            .map(String::as_str)
            .chain(self.summaries.values().map(|s| s.file.as_str()))
            .collect();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("endpoint-") && !keep.contains(name.as_ref()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn summarise(
    endpoint: &Endpoint,
    stored: &Endpoint,
    flags: Vec<(String, bool)>,
    file: String,
) -> Summary {
    let mut redacted = Vec::new();
    for rel in &stored.relations {
        for (unit, bag) in &rel.units {
            if crate::redact::bag_has_redacted(bag) {
                redacted.push((rel.id.clone(), unit.clone()));
            }
        }
        if crate::redact::bag_has_redacted(&rel.app_data)
            && let Some(app) = &rel.app
        {
            redacted.push((rel.id.clone(), app.clone()));
        }
    }
    Summary {
        relations: endpoint
            .relations
            .iter()
            .map(|r| RelationSummary {
                id: r.id.clone(),
                app: r.app.clone(),
                units: r.units.len(),
            })
            .collect(),
        redacted,
        flags,
        file,
    }
}

fn read_data(path: &Path) -> std::result::Result<Endpoint, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

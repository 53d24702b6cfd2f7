//! The unit's persisted state: flags and the framework's small key-value data.
//!
//! One JSON file per unit in the charm directory, mode 0600. It is read once at hook start
//! and written once at hook end, atomically (temp file, fsync, rename, fsync of the
//! directory), and only when the whole hook succeeded and something changed. A failing or
//! panicking hook leaves the file byte for byte as it was.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// The file name of the unit state in the charm directory.
pub const STATE_FILE: &str = ".unit-state.json";

const FORMAT_VERSION: u32 = 1;

/// What is persisted between hooks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// The format version, for future migrations.
    #[serde(default)]
    pub version: u32,
    /// Set flags and their optional values.
    #[serde(default)]
    pub flags: BTreeMap<String, Value>,
    /// Framework data: previous config, only_once marks, hashes, relation snapshots.
    #[serde(default)]
    pub kv: BTreeMap<String, Value>,
}

/// The state file of one unit.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    /// The bytes as loaded, to skip writing when nothing changed.
    loaded: Option<Vec<u8>>,
}

impl Store {
    /// The store of the unit whose charm directory is `charm_dir`.
    pub fn in_dir(charm_dir: &Path) -> Self {
        Self {
            path: charm_dir.join(STATE_FILE),
            loaded: None,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the snapshot; a missing file is the empty state of a new unit.
    pub fn load(&mut self) -> Result<Snapshot> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                self.loaded = None;
                return Ok(Snapshot {
                    version: FORMAT_VERSION,
                    ..Snapshot::default()
                });
            }
            Err(err) => return Err(Error::io("reading", &self.path, err)),
        };
        let snapshot: Snapshot =
            serde_json::from_slice(&bytes).map_err(|err| Error::CorruptState {
                path: self.path.clone(),
                message: err.to_string(),
            })?;
        if snapshot.version > FORMAT_VERSION {
            return Err(Error::CorruptState {
                path: self.path.clone(),
                message: format!(
                    "format version {} is newer than this charm understands ({FORMAT_VERSION})",
                    snapshot.version
                ),
            });
        }
        self.loaded = Some(bytes);
        Ok(snapshot)
    }

    /// Writes `snapshot` atomically if it differs from what was loaded. Returns whether it wrote.
    pub fn commit(&mut self, snapshot: &Snapshot) -> Result<bool> {
        let mut snapshot = snapshot.clone();
        snapshot.version = FORMAT_VERSION;
        let mut bytes = serde_json::to_vec_pretty(&snapshot)?;
        bytes.push(b'\n');
        if self.loaded.as_deref() == Some(bytes.as_slice()) {
            return Ok(false);
        }
        write_atomically(&self.path, &bytes, 0o600)?;
        self.loaded = Some(bytes);
        Ok(true)
    }
}

/// Writes `bytes` to `path` so that a reader sees the old or the new content, never a mix:
/// a temp file in the same directory, fsync, chmod, rename, fsync of the directory.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("secret.yml");
/// charm_core::write_atomically(&path, b"password: x\n", 0o600).unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"password: x\n");
/// ```
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;

    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|err| Error::io("creating", dir, err))?;
    let mut tmp = tempfile::Builder::new()
        // Swept at the next hook's start if this process is killed before the rename.
        .prefix(crate::hook_lock::TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|err| Error::io("creating a temp file in", dir, err))?;
    // Mode first, so the secret never exists with looser permissions.
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|err| Error::io("setting the mode of", tmp.path(), err))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|err| Error::io("writing", tmp.path(), err))?;
    tmp.persist(path)
        .map_err(|err| Error::io("renaming into", path, err.error))?;
    if let Ok(dir) = fs::File::open(dir) {
        // Best effort: some filesystems refuse fsync on directories.
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_unit_starts_empty_and_commit_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::in_dir(dir.path());
        let mut snap = store.load().unwrap();
        assert!(snap.flags.is_empty());
        snap.flags.insert("a".into(), Value::Null);
        assert!(store.commit(&snap).unwrap());
        assert!(
            !store.commit(&snap).unwrap(),
            "unchanged state is not rewritten"
        );
        let mode = fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mut again = Store::in_dir(dir.path());
        assert_eq!(again.load().unwrap().flags, snap.flags);
    }

    #[test]
    fn corrupt_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(STATE_FILE), b"{not json").unwrap();
        let err = Store::in_dir(dir.path()).load().unwrap_err();
        assert!(
            err.to_string().contains(".unit-state.json is corrupt"),
            "{err}"
        );
    }
}

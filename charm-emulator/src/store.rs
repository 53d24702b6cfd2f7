//! The model directory on disk: `model.json`, the tool symlinks in `bin/`, and a lock file.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::charm::CharmInfo;
use crate::emulator::Emulator;
use crate::error::{Error, Result};
use crate::model::{MODEL_FORMAT, Model};
use crate::tools::tool_names;

/// Environment variable naming the model directory, read by the tool symlinks and the CLI.
pub const MODEL_ENV: &str = "CHARM_EMULATOR_MODEL";
/// The model file inside the directory.
pub const MODEL_FILE: &str = "model.json";
/// The directory of tool symlinks, put first on a hook's `PATH`.
pub const BIN_DIR: &str = "bin";
/// Lock file serialising access between the runner and tool processes.
const LOCK_FILE: &str = ".lock";

/// A model directory:
///
/// ```text
/// DIR/
///   model.json   the unit's world and the open hook contexts (JSON, written atomically)
///   bin/         one symlink per hook tool -> the charm-emulator binary
///   .lock        taken while model.json is read-modified-written
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDir {
    root: PathBuf,
}

/// What [`ModelDir::init`] needs.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The model directory to create (it may exist; its model.json is replaced).
    pub model_dir: PathBuf,
    /// The charm directory, with metadata.yaml and optionally config.yaml.
    pub charm_dir: PathBuf,
    /// The unit, `app/0`.
    pub unit: String,
    /// Whether the unit starts as leader.
    pub leader: bool,
    /// The `charm-emulator` executable the tool symlinks point to.
    pub tool_executable: PathBuf,
}

impl ModelDir {
    /// Opens an existing model directory (one holding a `model.json`).
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let dir = Self { root };
        if !dir.model_path().is_file() {
            return Err(Error::invalid(format!(
                "{} is not a model directory: {} is missing (create one with `charm-emulator init`)",
                dir.root.display(),
                dir.model_path().display()
            )));
        }
        Ok(dir)
    }

    /// Creates the directory (and parents) and writes `model` into it.
    pub fn create(root: impl Into<PathBuf>, model: &Model) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(|e| Error::io("cannot create", &root, e))?;
        let dir = Self { root };
        dir.save(model)?;
        Ok(dir)
    }

    /// Creates a model for a charm: reads its metadata.yaml and config.yaml, records the charm
    /// directory, and installs the tool symlinks into `bin/`.
    pub fn init(options: &InitOptions) -> Result<Self> {
        let charm_dir = fs::canonicalize(&options.charm_dir)
            .map_err(|e| Error::io("cannot open charm directory", &options.charm_dir, e))?;
        let info = CharmInfo::load(&charm_dir)?;
        let mut model = Model::new(&options.unit)?;
        // The application may be named differently from the charm (`juju deploy ./x app`).
        model.charm_dir = Some(charm_dir);
        model.endpoints = info.endpoints;
        model.extra_bindings = info.extra_bindings;
        model.config = info.config;
        model.actions = info.actions;
        model.leader = options.leader;
        model
            .contract
            .declare_from(model.charm_dir.as_deref().unwrap_or(Path::new(".")))?;
        // Absolute, as the paths tools print must be wherever a hook runs.
        let root = std::env::current_dir()
            .map(|cwd| cwd.join(&options.model_dir))
            .unwrap_or_else(|_| options.model_dir.clone());
        model.contract.agent_dir = Some(root.join("agent"));
        let dir = Self::create(&options.model_dir, &model)?;
        dir.install_tools(&options.tool_executable)?;
        Ok(dir)
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `DIR/model.json`.
    pub fn model_path(&self) -> PathBuf {
        self.root.join(MODEL_FILE)
    }

    /// `DIR/bin`, where the tool symlinks are.
    pub fn bin_dir(&self) -> PathBuf {
        self.root.join(BIN_DIR)
    }

    /// (Re)creates `bin/<tool>` symlinks to `executable` for every emulated tool.
    pub fn install_tools(&self, executable: &Path) -> Result<()> {
        let executable = fs::canonicalize(executable)
            .map_err(|e| Error::io("cannot find tool executable", executable, e))?;
        let bin = self.bin_dir();
        fs::create_dir_all(&bin).map_err(|e| Error::io("cannot create", &bin, e))?;
        for tool in tool_names() {
            let link = bin.join(tool);
            if link.symlink_metadata().is_ok() {
                fs::remove_file(&link).map_err(|e| Error::io("cannot replace", &link, e))?;
            }
            std::os::unix::fs::symlink(&executable, &link)
                .map_err(|e| Error::io("cannot create symlink", &link, e))?;
        }
        Ok(())
    }

    /// Reads `model.json`. A file that is not a model is an error naming it.
    pub fn load(&self) -> Result<Model> {
        let path = self.model_path();
        let text = fs::read_to_string(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let malformed = |message: String| Error::MalformedModel {
            path: path.clone(),
            message,
        };
        // Check the format first so an old or foreign file gets a precise message.
        let raw: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| malformed(format!("not JSON: {e}")))?;
        match raw.get("format").and_then(serde_json::Value::as_u64) {
            Some(f) if f == u64::from(MODEL_FORMAT) => {}
            Some(f) => {
                return Err(malformed(format!(
                    "format {f} is not supported (this emulator reads format {MODEL_FORMAT})"
                )));
            }
            None => return Err(malformed("missing `format` number".to_owned())),
        }
        serde_json::from_value(raw).map_err(|e| malformed(e.to_string()))
    }

    /// Writes `model.json` atomically: a temporary file in the same directory, fsynced, then
    /// renamed over the old one, then the directory fsynced. A reader sees the old or the new
    /// model, never half of one.
    pub fn save(&self, model: &Model) -> Result<()> {
        let path = self.model_path();
        let mut json = serde_json::to_vec_pretty(model)
            .map_err(|e| Error::invalid(format!("cannot serialise the model: {e}")))?;
        json.push(b'\n');
        let mut tmp = tempfile::Builder::new()
            .prefix(".model.json.")
            .tempfile_in(&self.root)
            .map_err(|e| Error::io("cannot create a temporary file in", &self.root, e))?;
        tmp.write_all(&json)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| Error::io("cannot write", tmp.path(), e))?;
        tmp.persist(&path)
            .map_err(|e| Error::io("cannot replace", &path, e.error))?;
        // The rename is durable only once the directory entry is.
        File::open(&self.root)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("cannot sync", &self.root, e))?;
        Ok(())
    }

    /// Locks the directory, loads the model, lets `f` work on it through an [`Emulator`], and
    /// saves it if `f` succeeds. Tool processes and the runner use this, so concurrent tool
    /// calls (a charm running tools in the background) do not lose each other's writes.
    pub fn transact<R>(&self, f: impl FnOnce(&mut Emulator) -> Result<R>) -> Result<R> {
        let lock_path = self.root.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("cannot open", &lock_path, e))?;
        lock.lock()
            .map_err(|e| Error::io("cannot lock", &lock_path, e))?;
        let mut emulator = Emulator::new(self.load()?);
        let result = f(&mut emulator)?;
        self.save(emulator.model())?;
        // The lock is released when `lock` is dropped.
        drop(lock);
        Ok(result)
    }
}

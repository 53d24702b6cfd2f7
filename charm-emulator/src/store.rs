//! The model directory on disk: `model.json`, `relations.json`, the append-only records in
//! `history/`, the tool symlinks in `bin/`, and a lock file.
//!
//! A hook-tool call costs the same after 10,000 hooks as on a new model: it reads and writes
//! only the unit's current state (`model.json`, a few KiB), reads `relations.json` only when
//! the tool is a relation tool, writes a file only when its bytes changed, and appends its
//! records (the call, log lines, status changes) to `history/*.jsonl` without reading them.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::charm::CharmInfo;
use crate::emulator::Emulator;
use crate::error::{Error, Result};
use crate::model::{MODEL_FORMAT, Model, Relation, ToolCall};
use crate::tools::tool_names;

/// Environment variable naming the model directory, read by the tool symlinks and the CLI.
pub const MODEL_ENV: &str = "CHARM_EMULATOR_MODEL";
/// The model file inside the directory.
pub const MODEL_FILE: &str = "model.json";
/// The directory of tool symlinks, put first on a hook's `PATH`.
pub const BIN_DIR: &str = "bin";
/// Lock file serialising access between the runner and tool processes.
const LOCK_FILE: &str = ".lock";
/// The relations, apart from the rest: only relation tools read them.
const RELATIONS_FILE: &str = "relations.json";
/// The append-only records.
const HISTORY_DIR: &str = "history";
/// Format-1 models (everything in model.json) are still read.
const OLDEST_FORMAT: u64 = 1;

/// Which parts of the model a transaction reads (the current state is always read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    relations: bool,
    history: bool,
}

const STATE_AND_RELATIONS: Parts = Parts {
    relations: true,
    history: false,
};

/// The records of a model: each a `Vec` of [`Model`] kept in its own append-only file.
/// `take` empties the model's vector (what a save appends); `put` refills it (a full load).
struct Record {
    file: &'static str,
    take: fn(&mut Model) -> Vec<serde_json::Value>,
    put: fn(&mut Model, Vec<serde_json::Value>) -> Result<()>,
}

macro_rules! record {
    ($file:literal, $field:ident) => {
        Record {
            file: $file,
            take: |m| {
                std::mem::take(&mut m.$field)
                    .into_iter()
                    .filter_map(|r| serde_json::to_value(r).ok())
                    .collect()
            },
            put: |m, values| {
                m.$field = values
                    .into_iter()
                    .map(serde_json::from_value)
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| Error::invalid(format!("{}: {e}", $file)))?;
                Ok(())
            },
        }
    };
}

const RECORDS: [Record; 6] = [
    record!("calls.jsonl", calls),
    record!("logs.jsonl", logs),
    record!("hooks.jsonl", hooks),
    record!("unit-status.jsonl", unit_status_history),
    record!("application-status.jsonl", application_status_history),
    record!("actions.jsonl", action_history),
];

/// A model directory:
///
/// ```text
/// DIR/
///   model.json       the unit's current world and the open hook contexts (written atomically)
///   relations.json   the relations and their data bags (written atomically)
///   history/*.jsonl  append-only records: calls, logs, hooks, status and action history
///   bin/             one symlink per hook tool -> the charm-emulator binary
///   .lock            taken while the model is read-modified-written
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

/// The bytes of the files a transaction read, so it writes only what changed.
struct Loaded {
    model: Model,
    state: Vec<u8>,
    relations: Option<Vec<u8>>,
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

    fn relations_path(&self) -> PathBuf {
        self.root.join(RELATIONS_FILE)
    }

    fn history_dir(&self) -> PathBuf {
        self.root.join(HISTORY_DIR)
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

    /// Reads the whole model: its current state, its relations and every record. A file that
    /// is not a model is an error naming it.
    pub fn load(&self) -> Result<Model> {
        Ok(self
            .load_parts(Parts {
                relations: true,
                history: true,
            })?
            .model)
    }

    fn load_parts(&self, parts: Parts) -> Result<Loaded> {
        let path = self.model_path();
        let state = fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let mut model: Model = parse_model(&path, &state)?;
        let mut relations = None;
        if parts.relations {
            let path = self.relations_path();
            match fs::read(&path) {
                Ok(bytes) => {
                    let map: std::collections::BTreeMap<u64, Relation> =
                        serde_json::from_slice(&bytes).map_err(|e| Error::MalformedModel {
                            path: path.clone(),
                            message: e.to_string(),
                        })?;
                    // A format-1 model.json holds its relations inline (and no relations.json).
                    model.relations.extend(map);
                    relations = Some(bytes);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    relations = Some(Vec::new());
                }
                Err(e) => return Err(Error::io("cannot read", &path, e)),
            }
        }
        if relations.is_none() && !model.relations.is_empty() {
            // A format-1 file's inline relations move to relations.json on this save.
            relations = Some(Vec::new());
        }
        if parts.history {
            for record in &RECORDS {
                // Inline records of a format-1 file come first: they are older.
                let mut values = (record.take)(&mut model);
                values.extend(read_jsonl(&self.history_dir().join(record.file))?);
                (record.put)(&mut model, values)?;
            }
        }
        Ok(Loaded {
            model,
            state,
            relations,
        })
    }

    /// Writes the whole model, replacing what the directory held: the current state and the
    /// relations atomically (temporary file, fsync, rename, fsync of the directory: a reader
    /// sees the old or the new file, never half of one), the records as new history files.
    pub fn save(&self, model: &Model) -> Result<()> {
        let mut model = model.clone();
        let history = self.history_dir();
        fs::create_dir_all(&history).map_err(|e| Error::io("cannot create", &history, e))?;
        for record in &RECORDS {
            let mut text = Vec::new();
            for value in (record.take)(&mut model) {
                text.extend(jsonl_line(&value)?);
            }
            let path = history.join(record.file);
            write_atomically(&self.root, &path, &text)?;
        }
        let relations = std::mem::take(&mut model.relations);
        write_atomically(&self.root, &self.relations_path(), &to_json(&relations)?)?;
        write_atomically(&self.root, &self.model_path(), &to_json(&model)?)
    }

    /// Writes what a transaction changed: new records appended, the state and the relations
    /// (when read) rewritten only when their bytes differ from what was read.
    fn save_changes(
        &self,
        mut model: Model,
        loaded_state: &[u8],
        relations: Option<&[u8]>,
    ) -> Result<()> {
        let history = self.history_dir();
        let mut appends = Vec::new();
        for record in &RECORDS {
            let values = (record.take)(&mut model);
            if !values.is_empty() {
                appends.push((history.join(record.file), jsonl(&values)?));
            }
        }
        // A context opened here finds its calls after what the calls file holds once this
        // transaction's records are appended.
        if model.contexts.values().any(|c| c.calls_offset.is_none()) {
            let calls = history.join(RECORDS[0].file);
            let mut end = fs::metadata(&calls).map_or(0, |m| m.len());
            end += appends
                .iter()
                .filter(|(p, _)| *p == calls)
                .map(|(_, text)| text.len() as u64)
                .sum::<u64>();
            for context in model.contexts.values_mut() {
                context.calls_offset.get_or_insert(end);
            }
        }
        let rels = std::mem::take(&mut model.relations);
        if let Some(before) = relations {
            let bytes = to_json(&rels)?;
            if bytes != before {
                write_atomically(&self.root, &self.relations_path(), &bytes)?;
            }
        }
        let state = to_json(&model)?;
        if state != loaded_state {
            write_atomically(&self.root, &self.model_path(), &state)?;
        }
        // Records after the state: a crash in between loses a record, never state.
        if !appends.is_empty() {
            fs::create_dir_all(&history).map_err(|e| Error::io("cannot create", &history, e))?;
        }
        for (path, text) in appends {
            append(&path, &text)?;
        }
        Ok(())
    }

    /// The tool calls of context `context` recorded from byte `offset` of the calls file on
    /// (its [`OpenContext::calls_offset`](crate::OpenContext)): one hook's calls, read
    /// without the history before them.
    pub fn calls_since(&self, offset: u64, context: &str) -> Result<Vec<ToolCall>> {
        use std::io::{Seek, SeekFrom};
        let path = self.history_dir().join(RECORDS[0].file);
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io("cannot read", &path, e))?;
        let calls: Vec<ToolCall> = parse_jsonl(&path, BufReader::new(file))?;
        Ok(calls.into_iter().filter(|c| c.context == context).collect())
    }

    /// Locks the directory, loads the model's state and relations (not its records), lets `f`
    /// work on it through an [`Emulator`], and saves it if `f` succeeds: what changed is
    /// rewritten, new records appended. Tool processes and the runner use this, so concurrent
    /// tool calls (a charm running tools in the background) do not lose each other's writes.
    ///
    /// Inside `f` the record vectors of the model (`calls`, `logs`, `hooks`, the histories)
    /// hold only what this transaction adds; [`Self::load`] reads them whole.
    pub fn transact<R>(&self, f: impl FnOnce(&mut Emulator) -> Result<R>) -> Result<R> {
        self.transact_parts(STATE_AND_RELATIONS, f)
    }

    /// [`Self::transact`] for one hook-tool call of `tool`: the relations are read only when
    /// the tool reads or writes relation data or names relations, so no other call pays for
    /// them.
    pub fn transact_tool<R>(
        &self,
        tool: &str,
        f: impl FnOnce(&mut Emulator) -> Result<R>,
    ) -> Result<R> {
        // goal-state lists the relations; secret-grant/-revoke check the relation and its
        // remote application.
        let relations = tool.starts_with("relation-")
            || matches!(
                tool,
                "network-get" | "goal-state" | "secret-grant" | "secret-revoke"
            );
        self.transact_parts(
            Parts {
                relations,
                history: false,
            },
            f,
        )
    }

    fn transact_parts<R>(
        &self,
        parts: Parts,
        f: impl FnOnce(&mut Emulator) -> Result<R>,
    ) -> Result<R> {
        let lock_path = self.root.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("cannot open", &lock_path, e))?;
        lock.lock()
            .map_err(|e| Error::io("cannot lock", &lock_path, e))?;
        let Loaded {
            model,
            state,
            relations,
        } = self.load_parts(parts)?;
        let mut emulator = Emulator::new(model);
        let result = f(&mut emulator)?;
        self.save_changes(emulator.into_model(), &state, relations.as_deref())?;
        // The lock is released when `lock` is dropped.
        drop(lock);
        Ok(result)
    }
}

fn parse_model(path: &Path, text: &[u8]) -> Result<Model> {
    let malformed = |message: String| Error::MalformedModel {
        path: path.to_owned(),
        message,
    };
    // Check the format first so an old or foreign file gets a precise message.
    let raw: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| malformed(format!("not JSON: {e}")))?;
    match raw.get("format").and_then(serde_json::Value::as_u64) {
        Some(f) if (OLDEST_FORMAT..=u64::from(MODEL_FORMAT)).contains(&f) => {}
        Some(f) => {
            return Err(malformed(format!(
                "format {f} is not supported (this emulator reads formats {OLDEST_FORMAT} to {MODEL_FORMAT})"
            )));
        }
        None => return Err(malformed("missing `format` number".to_owned())),
    }
    let mut model: Model = serde_json::from_value(raw).map_err(|e| malformed(e.to_string()))?;
    model.format = MODEL_FORMAT;
    Ok(model)
}

fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::invalid(format!("cannot serialise the model: {e}")))?;
    json.push(b'\n');
    Ok(json)
}

fn jsonl_line(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut line = serde_json::to_vec(value)
        .map_err(|e| Error::invalid(format!("cannot serialise a record: {e}")))?;
    line.push(b'\n');
    Ok(line)
}

fn jsonl(values: &[serde_json::Value]) -> Result<Vec<u8>> {
    let mut text = Vec::new();
    for value in values {
        text.extend(jsonl_line(value)?);
    }
    Ok(text)
}

/// Appends records in one write. Records are not fsynced: they are the model's log, not its
/// state; a line torn by a crash is skipped when read.
fn append(path: &Path, text: &[u8]) -> Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io("cannot open", path, e))?;
    file.write_all(text)
        .map_err(|e| Error::io("cannot append to", path, e))
}

fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("cannot read", path, e)),
    };
    parse_jsonl(path, BufReader::new(file))
}

fn parse_jsonl<T: DeserializeOwned>(path: &Path, reader: impl BufRead) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut lines = reader.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.map_err(|e| Error::io("cannot read", path, e))?;
        match serde_json::from_str(&line) {
            Ok(v) => out.push(v),
            // The last line may be torn by a crash during an append.
            Err(_) if lines.peek().is_none() => {}
            Err(e) => {
                return Err(Error::MalformedModel {
                    path: path.to_owned(),
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// A temporary file in the same directory, fsynced, renamed over the old one, then the
/// directory fsynced.
fn write_atomically(root: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(root);
    let mut tmp = tempfile::Builder::new()
        .prefix(".model.")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("cannot write", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("cannot replace", path, e.error))?;
    // The rename is durable only once the directory entry is.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("cannot sync", dir, e))?;
    Ok(())
}

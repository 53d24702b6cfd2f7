//! The model directory on disk: `model.json`, `relations.json`, one file per remote unit in
//! `relations/`, the append-only records in `history/`, the tool symlinks in `bin/`, and a
//! lock file.
//!
//! A hook-tool call costs the same after 10,000 hooks as on a new model: it reads and writes
//! only the unit's current state (`model.json`, a few KiB), reads `relations.json` only when
//! the tool is a relation tool, writes a file only when its bytes changed, and appends its
//! records (the call, log lines, status changes) to `history/*.jsonl` without reading them.
//! Nor does it grow with the related units: `relations.json` holds no remote unit, and a call
//! reads only the units it names (its arguments, the hook's remote unit); only
//! `relation-list` and `goal-state`, whose answer lists every unit, read them all.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::charm::CharmInfo;
use crate::context::ContextId;
use crate::emulator::Emulator;
use crate::error::{Error, Result};
use crate::model::{MODEL_FORMAT, Model, Relation, RemoteUnit, ToolCall};
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
/// The remote units' data and state: `relations/<id>/<unit>.json`, the unit's name
/// percent-encoded ([`unit_file_name`]).
const UNITS_DIR: &str = "relations";
/// The append-only records.
const HISTORY_DIR: &str = "history";
/// Format-1 models (everything in model.json) are still read.
const OLDEST_FORMAT: u64 = 1;

/// Which remote units of the relations a transaction reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Units {
    /// Every unit of every relation.
    All,
    /// These units, in whichever relation holds them; the others are absent from the model
    /// the transaction sees, and left as they are on disk.
    Named(BTreeSet<String>),
}

/// Which parts of the model a transaction reads (the current state is always read). The
/// units to read may depend on the state (the hook's remote unit), hence a function of it.
#[derive(Clone, Copy)]
struct Parts<'a> {
    relations: Option<&'a dyn Fn(&Model) -> Units>,
    history: bool,
}

const STATE_AND_RELATIONS: Parts<'static> = Parts {
    relations: Some(&|_| Units::All),
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
///   relations.json   the relations and their application and local bags (written atomically)
///   relations/ID/    one file per remote unit: its data bag and whether it is departing
///   history/*.jsonl  append-only records: calls, logs, hooks, status and action history
///   bin/             one symlink per hook tool -> the charm-emulator binary
///   .lock            taken while the model is read-modified-written
/// ```
///
/// ```
/// use charm_emulator::{Model, ModelDir};
/// let tmp = tempfile::tempdir().unwrap();
/// let dir = ModelDir::create(tmp.path().join("model"), &Model::new("web/0").unwrap()).unwrap();
/// dir.transact(|emu| {
///     emu.model_mut().leader = true;
///     Ok(())
/// })
/// .unwrap();
/// assert!(dir.load().unwrap().leader, "a transaction's changes are saved");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDir {
    root: PathBuf,
}

/// What [`ModelDir::init`] needs.
///
/// ```no_run
/// use charm_emulator::{InitOptions, ModelDir};
/// let dir = ModelDir::init(&InitOptions {
///     model_dir: "/tmp/web-0".into(),
///     charm_dir: "voting-app".into(),
///     unit: "web/0".into(),
///     leader: true,
///     tool_executable: "target/debug/charm-emulator".into(),
/// })
/// .unwrap();
/// assert!(dir.load().unwrap().leader);
/// ```
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
    relations: Option<LoadedRelations>,
}

/// What a transaction read of the relations.
struct LoadedRelations {
    /// `relations.json` (empty when missing).
    meta: Vec<u8>,
    /// The relations it held.
    ids: BTreeSet<u64>,
    /// The unit files read, by relation and unit.
    units: BTreeMap<(u64, String), Vec<u8>>,
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

    fn units_dir(&self, relation: u64) -> PathBuf {
        self.root.join(UNITS_DIR).join(relation.to_string())
    }

    fn unit_path(&self, relation: u64, unit: &str) -> PathBuf {
        self.units_dir(relation).join(unit_file_name(unit))
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
                relations: Some(&|_| Units::All),
                history: true,
            })?
            .model)
    }

    fn load_parts(&self, parts: Parts<'_>) -> Result<Loaded> {
        let path = self.model_path();
        let state = fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let mut model: Model = parse_model(&path, &state)?;
        let mut relations = None;
        if let Some(which) = parts.relations {
            let units = which(&model);
            relations = Some(self.load_relations(&mut model, &units)?);
        }
        if relations.is_none() && !model.relations.is_empty() {
            // A format-1 file's inline relations move to relations.json on this save.
            relations = Some(LoadedRelations {
                meta: Vec::new(),
                ids: BTreeSet::new(),
                units: BTreeMap::new(),
            });
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

    /// Reads `relations.json` into `model` and the remote units `units` asks for. Units held
    /// inline (format 2 kept them in `relations.json`, format 1 in `model.json`) stay in the
    /// model and move to their own files on the next save.
    fn load_relations(&self, model: &mut Model, units: &Units) -> Result<LoadedRelations> {
        let path = self.relations_path();
        let meta = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        let mut ids = BTreeSet::new();
        if !meta.is_empty() {
            let map: BTreeMap<u64, Relation> =
                serde_json::from_slice(&meta).map_err(|e| Error::MalformedModel {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            ids.extend(map.keys());
            model.relations.extend(map);
        }
        let mut read = BTreeMap::new();
        for (&id, rel) in &mut model.relations {
            let names: Vec<String> = match units {
                Units::All => self.unit_names(id)?,
                Units::Named(names) => names.iter().cloned().collect(),
            };
            for name in names {
                let path = self.unit_path(id, &name);
                let bytes = match fs::read(&path) {
                    Ok(bytes) => bytes,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::io("cannot read", &path, e)),
                };
                let unit: RemoteUnit =
                    serde_json::from_slice(&bytes).map_err(|e| Error::MalformedModel {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                rel.remote_units.insert(name.clone(), unit);
                read.insert((id, name), bytes);
            }
        }
        Ok(LoadedRelations {
            meta,
            ids,
            units: read,
        })
    }

    /// The remote units of relation `id` that have a file.
    fn unit_names(&self, id: u64) -> Result<Vec<String>> {
        let dir = self.units_dir(id);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("cannot read", &dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("cannot read", &dir, e))?;
            // Temporary files of an interrupted write start with a dot and are skipped.
            if let Some(name) = entry.file_name().to_str().and_then(unit_name_of_file) {
                names.push(name);
            }
        }
        Ok(names)
    }

    /// Writes the relations of `model` (which it empties) against what was read: the unit
    /// files that changed, removed units' and relations' files deleted, then `relations.json`
    /// when its bytes changed. Units the transaction did not read are left alone.
    fn save_relations(&self, model: &mut Model, loaded: &LoadedRelations) -> Result<()> {
        let mut rels = std::mem::take(&mut model.relations);
        let mut present = BTreeSet::new();
        for (&id, rel) in &mut rels {
            for (name, unit) in std::mem::take(&mut rel.remote_units) {
                let bytes = to_json(&unit)?;
                let key = (id, name);
                if loaded.units.get(&key) != Some(&bytes) {
                    let dir = self.units_dir(id);
                    fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
                    write_atomically(&self.root, &self.unit_path(id, &key.1), &bytes)?;
                }
                present.insert(key);
            }
        }
        for key in loaded.units.keys() {
            if rels.contains_key(&key.0) && !present.contains(key) {
                let path = self.unit_path(key.0, &key.1);
                remove_file_if_any(&path)?;
            }
        }
        for id in &loaded.ids {
            if !rels.contains_key(id) {
                let dir = self.units_dir(*id);
                match fs::remove_dir_all(&dir) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(Error::io("cannot remove", &dir, e));
                    }
                    _ => {}
                }
            }
        }
        let bytes = to_json(&rels)?;
        if bytes != loaded.meta {
            write_atomically(&self.root, &self.relations_path(), &bytes)?;
        }
        Ok(())
    }

    /// Writes the whole model, replacing what the directory held: the current state, the
    /// relations and each remote unit atomically (temporary file, rename: a reader sees the
    /// old or the new file, never half of one), the records as new history files.
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
        let units = self.root.join(UNITS_DIR);
        match fs::remove_dir_all(&units) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("cannot remove", &units, e));
            }
            _ => {}
        }
        let nothing_read = LoadedRelations {
            meta: b"-".to_vec(),
            ids: BTreeSet::new(),
            units: BTreeMap::new(),
        };
        self.save_relations(&mut model, &nothing_read)?;
        write_atomically(&self.root, &self.model_path(), &to_json(&model)?)
    }

    /// Writes what a transaction changed: new records appended, the state and the relations
    /// (when read) rewritten only when their bytes differ from what was read.
    fn save_changes(
        &self,
        mut model: Model,
        loaded_state: &[u8],
        relations: Option<&LoadedRelations>,
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
        match relations {
            Some(loaded) => self.save_relations(&mut model, loaded)?,
            None => model.relations.clear(),
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
    /// them. Every remote unit is read; [`Self::transact_call`] reads only those a call names.
    pub fn transact_tool<R>(
        &self,
        tool: &str,
        f: impl FnOnce(&mut Emulator) -> Result<R>,
    ) -> Result<R> {
        let all = |_: &Model| Units::All;
        self.transact_parts(
            Parts {
                relations: reads_relations(tool).then_some(&all as &dyn Fn(&Model) -> Units),
                history: false,
            },
            f,
        )
    }

    /// [`Self::transact`] for the call of hook tool `tool` with `args` in hook context
    /// `context`, reading no more than the call can need: the relations only for a relation
    /// tool, and of their remote units only those named in `args` or the hook's remote unit
    /// (all of them for `relation-list` and `goal-state`, which list them). So a
    /// `relation-get` costs the same with 10,000 related units as with one.
    ///
    /// ```
    /// use charm_emulator::{ContextId, Hook, Model, ModelDir};
    ///
    /// let tmp = tempfile::tempdir().unwrap();
    /// let mut model = Model::new("web/0").unwrap();
    /// let id = model.add_relation("db", "postgresql").unwrap();
    /// let unit = model.relations.get_mut(&id).unwrap().remote_units.entry("postgresql/0".into());
    /// unit.or_default().data.insert("host".into(), "10.0.0.9".into());
    /// let dir = ModelDir::create(tmp.path().join("m"), &model).unwrap();
    /// let ctx: ContextId = dir
    ///     .transact(|emu| Ok(emu.open_context(Hook::new("config-changed"))?.id))
    ///     .unwrap();
    /// let args = ["-r".to_owned(), "db:0".to_owned(), "host".to_owned(), "postgresql/0".to_owned()];
    /// let out = dir
    ///     .transact_call(&ctx, "relation-get", &args, |emu| Ok(emu.call(&ctx, "relation-get", &args, b"")))
    ///     .unwrap();
    /// assert_eq!(out.stdout_text().trim(), "10.0.0.9");
    /// ```
    pub fn transact_call<R>(
        &self,
        context: &ContextId,
        tool: &str,
        args: &[String],
        f: impl FnOnce(&mut Emulator) -> Result<R>,
    ) -> Result<R> {
        let lists_units = matches!(tool, "relation-list" | "goal-state");
        let named = |model: &Model| {
            if lists_units {
                return Units::All;
            }
            // Unit names carry a slash; anything else a call passes (keys, values, flags,
            // relation ids) names no unit, and a name with no file is simply not there.
            let mut names: BTreeSet<String> = args
                .iter()
                .filter(|a| a.contains('/'))
                .map(|a| a.strip_prefix("--unit=").unwrap_or(a).to_owned())
                .collect();
            if let Some(unit) = model
                .contexts
                .get(context.as_str())
                .and_then(|c| c.hook.remote_unit.clone())
            {
                names.insert(unit);
            }
            Units::Named(names)
        };
        self.transact_parts(
            Parts {
                relations: reads_relations(tool).then_some(&named as &dyn Fn(&Model) -> Units),
                history: false,
            },
            f,
        )
    }

    /// [`Self::transact`] reading, of the remote units, only `units` (and the relations):
    /// the others are absent from the model `f` sees and stay as they are on disk. The runner
    /// opens and closes a hook's context with this, so a hook does not pay for the units it
    /// does not name.
    ///
    /// ```
    /// use charm_emulator::{Model, ModelDir};
    ///
    /// let tmp = tempfile::tempdir().unwrap();
    /// let mut model = Model::new("web/0").unwrap();
    /// let id = model.add_relation("db", "postgresql").unwrap();
    /// for n in 0..3 {
    ///     let units = &mut model.relations.get_mut(&id).unwrap().remote_units;
    ///     units.entry(format!("postgresql/{n}")).or_default();
    /// }
    /// let dir = ModelDir::create(tmp.path().join("m"), &model).unwrap();
    /// let seen = dir
    ///     .transact_units(&["postgresql/1"], |emu| Ok(emu.model().relations[&id].remote_units.len()))
    ///     .unwrap();
    /// assert_eq!(seen, 1);
    /// assert_eq!(dir.load().unwrap().relations[&id].remote_units.len(), 3);
    /// ```
    pub fn transact_units<R>(
        &self,
        units: &[&str],
        f: impl FnOnce(&mut Emulator) -> Result<R>,
    ) -> Result<R> {
        let names: BTreeSet<String> = units.iter().map(|u| (*u).to_owned()).collect();
        let named = move |_: &Model| Units::Named(names.clone());
        self.transact_parts(
            Parts {
                relations: Some(&named),
                history: false,
            },
            f,
        )
    }

    fn transact_parts<R>(
        &self,
        parts: Parts<'_>,
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
        self.save_changes(emulator.into_model(), &state, relations.as_ref())?;
        // The lock is released when `lock` is dropped.
        drop(lock);
        Ok(result)
    }
}

/// Whether hook tool `tool` reads or writes relation data or names relations. goal-state
/// lists the relations; secret-grant/-revoke check the relation and its remote application.
fn reads_relations(tool: &str) -> bool {
    tool.starts_with("relation-")
        || matches!(
            tool,
            "network-get" | "goal-state" | "secret-grant" | "secret-revoke"
        )
}

/// The file of unit `unit` in its relation's directory: the name with every byte outside
/// `[a-z0-9-]` percent-encoded (`redis/0` -> `redis%2F0.json`), so no name reaches outside
/// the directory and every file maps back to one name.
fn unit_file_name(unit: &str) -> String {
    let mut out = String::with_capacity(unit.len() + 8);
    for b in unit.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out.push_str(".json");
    out
}

/// The unit a file of [`unit_file_name`] is for; `None` for any other file.
fn unit_name_of_file(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".json")?;
    let mut bytes = Vec::with_capacity(stem.len());
    let mut rest = stem.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'%' => {
                let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &tail[2..];
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' => {
                bytes.push(b);
                rest = tail;
            }
            _ => return None,
        }
    }
    String::from_utf8(bytes).ok()
}

fn remove_file_if_any(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io("cannot remove", path, e))
        }
        _ => Ok(()),
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

/// A temporary file in the same directory, renamed over the old one: a reader (another tool
/// process) sees the old or the new file, never half of one. Not fsynced: the model is a test
/// double's state, which a crash of the process cannot tear (the kernel keeps the written
/// pages); only a power loss could lose the last write, and that is not worth an fsync of
/// every file and directory in every tool call (several milliseconds each, the larger part of
/// a call's cost).
fn write_atomically(root: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(root);
    let mut tmp = tempfile::Builder::new()
        .prefix(".model.")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io("cannot write", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("cannot replace", path, e.error))?;
    Ok(())
}

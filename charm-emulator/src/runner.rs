//! Running a charm's hooks as the unit agent does, and the sequences Juju runs for a change
//! of the world (a relation added or removed, config or leadership changed).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::context::{ContextId, Hook};
use crate::error::{Error, Result};
use crate::model::{ActionRun, Bag, LogSource, RemoteUnit, ToolCall, default_unit_relation_data};
use crate::store::{MODEL_ENV, ModelDir};

/// What running one hook or action produced.
///
/// ```no_run
/// use charm_emulator::{Hook, ModelDir, Runner};
/// let runner = Runner::new(ModelDir::open("/tmp/model").unwrap());
/// let out = runner.run(Hook::new("config-changed")).unwrap();
/// assert!(out.success(), "{}", out.stderr_text());
/// println!("tools called: {:?}", out.tools_called());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HookOutcome {
    /// The hook or action that ran.
    pub hook: Hook,
    /// Its context id (`JUJU_CONTEXT_ID`).
    pub context: ContextId,
    /// Whether a program ran (`false` for a hook the charm does not implement: a no-op).
    pub ran: bool,
    /// The exit code (0 for a no-op; 128+N when killed by signal N; 126 when the program
    /// could not be started).
    pub exit_code: i32,
    /// Standard output of the hook.
    pub stdout: Vec<u8>,
    /// Standard error of the hook.
    pub stderr: Vec<u8>,
    /// Whether the buffered writes were committed.
    pub committed: bool,
    /// The hook-tool calls the hook made, in order.
    pub calls: Vec<ToolCall>,
    /// For an action: its final state (results, logs, status).
    pub action: Option<ActionRun>,
}

impl HookOutcome {
    /// Whether the hook succeeded (exit 0).
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }

    /// Standard output as text (lossy).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text (lossy).
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The names of the tools called, in order.
    pub fn tools_called(&self) -> Vec<&str> {
        self.calls.iter().map(|c| c.tool.as_str()).collect()
    }
}

/// A remote unit to add with [`Runner::relate`], with its unit data.
///
/// ```
/// use charm_emulator::RemoteUnitSpec;
/// let redis = RemoteUnitSpec {
///     name: "redis/0".into(),
///     data: [("host".to_owned(), "10.0.0.7".to_owned())].into(),
/// };
/// assert_eq!(redis.data["host"], "10.0.0.7");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUnitSpec {
    /// `app/N` of the remote application.
    pub name: String,
    /// Its data bag, on top of the addresses Juju publishes for every unit.
    pub data: Bag,
}

/// Whose data [`Runner::set_relation_data`] changes.
///
/// ```no_run
/// use charm_emulator::{DataOwner, Runner};
/// # fn demo(runner: &Runner) -> charm_emulator::Result<()> {
/// // The redis unit publishes a new password: `redis-relation-changed` runs for it.
/// let data = [("password".to_owned(), "n3w".to_owned())];
/// runner.set_relation_data(0, &DataOwner::Unit("redis/0".into()), &data)?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataOwner {
    /// A remote unit's bag (then `-relation-changed` runs for that unit).
    Unit(String),
    /// The remote application's bag (then `-relation-changed` runs without a remote unit).
    App,
}

/// Starts charm processes for hooks, exactly as Juju's unit agent does.
///
/// The working directory is the charm directory; the environment is built from scratch as
/// Juju's: the hook contract's variables, `LANG`, `TERM`, `DEBIAN_FRONTEND`,
/// `APT_LISTCHANGES_FRONTEND`, `PATH` with the model's `bin/` first (so the charm's hook-tool
/// calls reach the emulator) and `CHARM_EMULATOR_MODEL`; nothing else of the caller's. If `dispatch` exists it runs for every hook and
/// action; otherwise `hooks/<name>` or `actions/<name>`. A missing hook is a no-op; a missing
/// action fails the action.
///
/// ```no_run
/// use charm_emulator::{Hook, ModelDir, Runner};
/// let runner = Runner::new(ModelDir::open("/tmp/model").unwrap());
/// let outcome = runner.run(Hook::new("install")).unwrap();
/// assert!(outcome.success(), "{}", outcome.stderr_text());
/// ```
#[derive(Debug, Clone)]
pub struct Runner {
    dir: ModelDir,
    charm_binary: Option<PathBuf>,
    env: BTreeMap<String, String>,
}

/// The variables Juju's unit agent adds to every hook on Ubuntu besides `HookVars` and `PATH`
/// (context/env.go@2ba9927e `ubuntuEnv`). Proxies reach the hook as `JUJU_CHARM_*_PROXY`
/// (in `HookVars`); the legacy `http_proxy` family is set only by models that still use the
/// legacy proxy settings, which the emulator does not model.
fn os_env() -> [(&'static str, &'static str); 4] {
    [
        ("APT_LISTCHANGES_FRONTEND", "none"),
        ("DEBIAN_FRONTEND", "noninteractive"),
        ("LANG", "C.UTF-8"),
        ("TERM", "tmux-256color"),
    ]
}

impl Runner {
    /// A runner over a model directory (whose model names the charm directory).
    pub fn new(dir: ModelDir) -> Self {
        Self {
            dir,
            charm_binary: None,
            env: BTreeMap::new(),
        }
    }

    /// Runs `program` for every hook instead of the charm's own `dispatch` (still in the charm
    /// directory, with `JUJU_DISPATCH_PATH` telling it which hook): for a freshly built charm
    /// binary.
    pub fn with_charm_binary(mut self, program: impl Into<PathBuf>) -> Self {
        self.charm_binary = Some(program.into());
        self
    }

    /// Adds an environment variable to every hook (after the contract's, so it can override
    /// them: use with care).
    ///
    /// **Not on Juju**: a real unit agent gives a hook only its contract's variables, so a
    /// setting passed this way has no equivalent on a real unit. The framework's own knobs
    /// (`CHARM_TRACE`, `CHARM_LOG_LEVEL`, `CHARM_DOCKER_HOST_IP`, `DOCKER_HOST`, ...) are
    /// read from the charm directory's `.charm-settings` file as well, which works on both.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// The model directory.
    pub fn model_dir(&self) -> &ModelDir {
        &self.dir
    }

    /// Runs one hook or action to its end and commits or drops its writes.
    pub fn run(&self, hook: Hook) -> Result<HookOutcome> {
        // Of the remote units, opening the context reads only the hook's (it checks the unit
        // is in the relation) and closing it none: a hook does not pay for the others.
        let named: Vec<&str> = [hook.remote_unit.as_deref(), hook.departing_unit.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let (ctx, charm_dir) = self.dir.transact_units(&named, |emu| {
            let charm_dir = emu.model().charm_dir.clone().ok_or_else(|| {
                Error::invalid("the model has no charm directory (create it with `charm-emulator init --charm DIR`)")
            })?;
            Ok((emu.open_context(hook.clone())?, charm_dir))
        })?;
        let program = self.program_for(&hook, &charm_dir);
        let (ran, exit_code, stdout, stderr) = match &program {
            Some(program) => {
                let (code, out, err) = self.spawn(program, &charm_dir, &ctx.env);
                (true, code, out, err)
            }
            None => (false, 0, Vec::new(), Vec::new()),
        };
        let missing_action = hook.is_action() && program.is_none();
        let finished = self.dir.transact_units(&[], |emu| {
            let unit = emu.model().unit.clone();
            let model = emu.model_mut();
            for line in String::from_utf8_lossy(&stdout).lines() {
                model.log(ctx.id.as_str(), "DEBUG", line, LogSource::Stdout);
            }
            for line in String::from_utf8_lossy(&stderr).lines() {
                model.log(ctx.id.as_str(), "WARNING", line, LogSource::Stderr);
            }
            if missing_action {
                emu.fail_action(&ctx.id, &format!("action not implemented on unit {unit:?}"));
            }
            let offset = emu
                .model()
                .contexts
                .get(ctx.id.as_str())
                .and_then(|c| c.calls_offset);
            Ok((emu.finish_with_code(&ctx.id, exit_code)?, offset))
        })?;
        // The model directory keeps the calls in its history, read from where this hook's
        // start (the transaction saw only its own records).
        let (mut finished, offset) = finished;
        if let Some(offset) = offset {
            finished.calls = self.dir.calls_since(offset, ctx.id.as_str())?;
        }
        Ok(HookOutcome {
            hook: finished.hook,
            context: ctx.id,
            ran,
            exit_code,
            stdout,
            stderr,
            committed: finished.committed,
            calls: finished.calls,
            action: finished.action,
        })
    }

    /// The program Juju would start for `hook`, if any.
    fn program_for(&self, hook: &Hook, charm_dir: &Path) -> Option<PathBuf> {
        if let Some(binary) = &self.charm_binary {
            return Some(binary.clone());
        }
        let dispatch = charm_dir.join("dispatch");
        if dispatch.exists() {
            return Some(dispatch);
        }
        let direct = charm_dir.join(hook.dispatch_path());
        direct.exists().then_some(direct)
    }

    fn spawn(
        &self,
        program: &Path,
        charm_dir: &Path,
        hook_env: &BTreeMap<String, String>,
    ) -> (i32, Vec<u8>, Vec<u8>) {
        let mut cmd = Command::new(program);
        cmd.current_dir(charm_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Built from scratch, as Juju's runner does: `ps.Env = env`, where env is only the
        // context's HookVars plus the OS variables (runner/runner.go@27dafee5,
        // context/context.go@06bd0f8f `HookVars`, context/env.go@2ba9927e `ubuntuEnv`). Nothing
        // of the test process (HOME, DOCKER_HOST, CHARM_*, CARGO_*) reaches the hook.
        cmd.env_clear();
        cmd.envs(hook_env);
        cmd.envs(os_env());
        cmd.env("PATH", self.hook_path());
        let root =
            std::path::absolute(self.dir.root()).unwrap_or_else(|_| self.dir.root().to_owned());
        cmd.env(MODEL_ENV, root);
        cmd.envs(&self.env);
        match cmd.output() {
            Ok(out) => {
                let code = out
                    .status
                    .code()
                    .or_else(|| out.status.signal().map(|s| 128 + s))
                    .unwrap_or(1);
                (code, out.stdout, out.stderr)
            }
            // Juju fails the hook when its program cannot start (e.g. not executable).
            Err(e) => (
                126,
                Vec::new(),
                format!("cannot start {}: {e}\n", program.display()).into_bytes(),
            ),
        }
    }

    /// `PATH` for a hook: the tool directory first, then the agent's (the caller's) `PATH`,
    /// as Juju's `appendPath` (context/env.go@2ba9927e).
    fn hook_path(&self) -> OsString {
        let bin = std::path::absolute(self.dir.bin_dir()).unwrap_or_else(|_| self.dir.bin_dir());
        let mut paths = vec![bin];
        if let Some(existing) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&existing));
        }
        std::env::join_paths(paths).unwrap_or_default()
    }

    /// Runs hooks in order, stopping after the first failure (as Juju's agent halts with the
    /// unit in error until the hook is resolved).
    fn run_all(&self, hooks: impl IntoIterator<Item = Hook>) -> Result<Vec<HookOutcome>> {
        let mut outcomes = Vec::new();
        for hook in hooks {
            let outcome = self.run(hook)?;
            let failed = !outcome.success();
            outcomes.push(outcome);
            if failed {
                break;
            }
        }
        Ok(outcomes)
    }

    /// What Juju runs when a unit is deployed: `<name>-storage-attached` for each storage
    /// instance it is deployed with, `install`, `leader-elected` (or
    /// `leader-settings-changed` for a non-leader), `config-changed`, `start`.
    pub fn deploy(&self) -> Result<Vec<HookOutcome>> {
        let leader = self.dir.load()?.leader;
        let leadership = if leader {
            "leader-elected"
        } else {
            "leader-settings-changed"
        };
        // Storage the unit is deployed with attaches before install (see `runner_contract`).
        let storage = self.dir.load()?.contract.storage.into_keys().map(|id| {
            let name = id.split('/').next().unwrap_or_default().to_owned();
            Hook::new(format!("{name}-storage-attached")).with_storage(id)
        });
        let hooks: Vec<Hook> = storage
            .chain(["install", leadership, "config-changed", "start"].map(Hook::new))
            .collect();
        self.run_all(hooks)
    }

    /// Sets config values (typed by config.yaml) and runs `config-changed`.
    pub fn configure(&self, values: &[(String, String)], reset: &[String]) -> Result<HookOutcome> {
        self.dir.transact(|emu| {
            let model = emu.model_mut();
            for (k, v) in values {
                model.set_config(k, v)?;
            }
            for k in reset {
                model.reset_config(k)?;
            }
            Ok(())
        })?;
        self.run(Hook::new("config-changed"))
    }

    /// Changes leadership: becoming leader runs `leader-elected`, losing it
    /// `leader-settings-changed`. Nothing runs if leadership does not change.
    pub fn set_leader(&self, leader: bool) -> Result<Option<HookOutcome>> {
        let changed = self.dir.transact(|emu| {
            let model = emu.model_mut();
            let changed = model.leader != leader;
            model.leader = leader;
            Ok(changed)
        })?;
        if !changed {
            return Ok(None);
        }
        let hook = if leader {
            "leader-elected"
        } else {
            "leader-settings-changed"
        };
        self.run(Hook::new(hook)).map(Some)
    }

    /// Adds a relation as Juju does: `-relation-created`, then for each remote unit
    /// `-relation-joined` and `-relation-changed` (and one app-level `-relation-changed` when
    /// there are no units but app data). Returns the relation number and the outcomes.
    pub fn relate(
        &self,
        endpoint: &str,
        remote_app: &str,
        units: &[RemoteUnitSpec],
        app_data: &Bag,
    ) -> Result<(u64, Vec<HookOutcome>)> {
        for unit in units {
            if unit.name.split('/').next() != Some(remote_app) {
                return Err(Error::invalid(format!(
                    "remote unit {:?} does not belong to application {remote_app:?}",
                    unit.name
                )));
            }
            crate::model::validate_unit_name(&unit.name)?;
        }
        let id = self.dir.transact(|emu| {
            let model = emu.model_mut();
            let id = model.add_relation(endpoint, remote_app)?;
            if let Some(rel) = model.relations.get_mut(&id) {
                rel.remote_app_data = app_data.clone();
            }
            Ok(id)
        })?;
        let mut outcomes = Vec::new();
        let created =
            self.run(Hook::new(format!("{endpoint}-relation-created")).with_relation(id))?;
        let ok = created.success();
        outcomes.push(created);
        if !ok {
            return Ok((id, outcomes));
        }
        if units.is_empty() && !app_data.is_empty() {
            outcomes.extend(
                self.run_all(
                    [Hook::new(format!("{endpoint}-relation-changed")).with_relation(id)],
                )?,
            );
            return Ok((id, outcomes));
        }
        for unit in units {
            self.add_remote_unit(id, unit)?;
            let hooks = ["joined", "changed"].map(|kind| {
                Hook::new(format!("{endpoint}-relation-{kind}"))
                    .with_relation(id)
                    .with_remote_unit(&unit.name)
            });
            let step = self.run_all(hooks)?;
            let failed = step.iter().any(|o| !o.success());
            outcomes.extend(step);
            if failed {
                break;
            }
        }
        Ok((id, outcomes))
    }

    /// Adds one more remote unit to an existing relation and runs `-joined` and `-changed`.
    pub fn add_unit(&self, relation: u64, unit: &RemoteUnitSpec) -> Result<Vec<HookOutcome>> {
        let endpoint = self.add_remote_unit(relation, unit)?;
        self.run_all(["joined", "changed"].map(|kind| {
            Hook::new(format!("{endpoint}-relation-{kind}"))
                .with_relation(relation)
                .with_remote_unit(&unit.name)
        }))
    }

    fn add_remote_unit(&self, relation: u64, unit: &RemoteUnitSpec) -> Result<String> {
        self.dir.transact(|emu| {
            let model = emu.model_mut();
            let address = model.addresses.private_address.clone();
            let rel = model
                .relations
                .get_mut(&relation)
                .ok_or_else(|| Error::invalid(format!("relation {relation} does not exist")))?;
            // As `relate` checks: a unit of the relation's remote application (a peer
            // relation's remote application is our own).
            if unit.name.split('/').next() != Some(rel.remote_app.as_str()) {
                return Err(Error::invalid(format!(
                    "remote unit {:?} does not belong to application {:?}",
                    unit.name, rel.remote_app
                )));
            }
            // A unit that left may join again; its old bag is replaced.
            if rel
                .remote_units
                .get(&unit.name)
                .is_some_and(|u| !u.departing)
            {
                return Err(Error::invalid(format!(
                    "unit {:?} is already in the relation",
                    unit.name
                )));
            }
            let mut data = default_unit_relation_data(&address);
            data.extend(unit.data.clone());
            rel.remote_units.insert(
                unit.name.clone(),
                RemoteUnit {
                    data,
                    departing: false,
                },
            );
            Ok(rel.endpoint.clone())
        })
    }

    /// Removes a relation as Juju does: for each remote unit `-relation-departed` (the unit no
    /// longer listed, its data still readable), then `-relation-broken` (no units listed; the
    /// relation id still given). The relation is then gone from the model. This is the remote
    /// side going away; for this unit leaving, see [`Self::leave`].
    pub fn unrelate(&self, relation: u64) -> Result<Vec<HookOutcome>> {
        self.end_relation(relation, false)
    }

    /// Removes one remote unit from a relation: `-relation-departed`.
    pub fn remove_unit(&self, relation: u64, unit: &str) -> Result<HookOutcome> {
        let endpoint = self.dir.transact(|emu| {
            let rel = emu
                .model()
                .relations
                .get(&relation)
                .ok_or_else(|| Error::invalid(format!("relation {relation} does not exist")))?;
            if rel.remote_units.get(unit).is_none_or(|u| u.departing) {
                return Err(Error::invalid(format!(
                    "unit {unit:?} is not in relation {relation}"
                )));
            }
            Ok(rel.endpoint.clone())
        })?;
        self.depart(relation, &endpoint, unit, None)
    }

    /// This unit leaves a relation (it is being removed, or the relation is, from our side):
    /// `-relation-departed` for each remote unit with `JUJU_DEPARTING_UNIT` set to **this**
    /// unit, as Juju does when the local unit departs, then `-relation-broken`. Charms tell
    /// this apart from a remote unit leaving by comparing `JUJU_DEPARTING_UNIT` with
    /// `JUJU_UNIT_NAME` (ops: `RelationDepartedEvent.departing_unit`).
    pub fn leave(&self, relation: u64) -> Result<Vec<HookOutcome>> {
        self.end_relation(relation, true)
    }

    /// `-relation-departed` for each remote unit (stopping at a failed hook, which leaves the
    /// unit in error), then `-relation-broken`; the relation is then gone from the model
    /// whatever the hook did, as in Juju. `JUJU_DEPARTING_UNIT` names the remote unit, or
    /// this unit when `we_leave`.
    fn end_relation(&self, relation: u64, we_leave: bool) -> Result<Vec<HookOutcome>> {
        let (endpoint, units, me) = self.dir.transact(|emu| {
            let model = emu.model();
            let rel = model
                .relations
                .get(&relation)
                .ok_or_else(|| Error::invalid(format!("relation {relation} does not exist")))?;
            let units = rel
                .remote_units
                .iter()
                .filter(|(_, u)| !u.departing)
                .map(|(name, _)| name.clone())
                .collect::<Vec<_>>();
            Ok((rel.endpoint.clone(), units, model.unit.clone()))
        })?;
        let departing = we_leave.then_some(me.as_str());
        let mut outcomes = Vec::new();
        for unit in units {
            let outcome = self.depart(relation, &endpoint, &unit, departing)?;
            let failed = !outcome.success();
            outcomes.push(outcome);
            if failed {
                return Ok(outcomes);
            }
        }
        self.dir.transact(|emu| {
            if let Some(rel) = emu.model_mut().relations.get_mut(&relation) {
                rel.broken = true;
            }
            Ok(())
        })?;
        let broken =
            self.run(Hook::new(format!("{endpoint}-relation-broken")).with_relation(relation))?;
        self.dir.transact(|emu| {
            emu.model_mut().relations.remove(&relation);
            Ok(())
        })?;
        outcomes.push(broken);
        Ok(outcomes)
    }

    /// `-relation-departed` for `unit`; its bag stays readable for the relation's lifetime
    /// (jujuc/relation-get.go@2365bb25: "Key value pairs for remote units that have departed
    /// remain accessible for the lifetime of the relation").
    fn depart(
        &self,
        relation: u64,
        endpoint: &str,
        unit: &str,
        departing: Option<&str>,
    ) -> Result<HookOutcome> {
        self.dir.transact(|emu| {
            if let Some(u) = emu
                .model_mut()
                .relations
                .get_mut(&relation)
                .and_then(|r| r.remote_units.get_mut(unit))
            {
                u.departing = true;
            }
            Ok(())
        })?;
        let mut hook = Hook::new(format!("{endpoint}-relation-departed"))
            .with_relation(relation)
            .with_remote_unit(unit);
        if let Some(departing) = departing {
            hook = hook.with_departing_unit(departing);
        }
        self.run(hook)
    }

    /// Changes a remote unit's or the remote app's data (an empty value deletes a key) and
    /// runs `-relation-changed`.
    pub fn set_relation_data(
        &self,
        relation: u64,
        owner: &DataOwner,
        data: &[(String, String)],
    ) -> Result<HookOutcome> {
        let endpoint = self.dir.transact(|emu| {
            let rel = emu
                .model_mut()
                .relations
                .get_mut(&relation)
                .ok_or_else(|| Error::invalid(format!("relation {relation} does not exist")))?;
            let bag = match owner {
                DataOwner::App => &mut rel.remote_app_data,
                DataOwner::Unit(name) => {
                    &mut rel
                        .remote_units
                        .get_mut(name)
                        .ok_or_else(|| {
                            Error::invalid(format!("unit {name:?} is not in relation {relation}"))
                        })?
                        .data
                }
            };
            for (k, v) in data {
                if v.is_empty() {
                    bag.remove(k);
                } else {
                    bag.insert(k.clone(), v.clone());
                }
            }
            Ok(rel.endpoint.clone())
        })?;
        let mut hook = Hook::new(format!("{endpoint}-relation-changed")).with_relation(relation);
        if let DataOwner::Unit(name) = owner {
            hook = hook.with_remote_unit(name);
        }
        self.run(hook)
    }
}

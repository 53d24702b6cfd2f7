//! State-transition tests for reactive charms, in the spirit of ops' testing: set up the
//! unit's world (config, leadership, relations and their data, flags), run one hook
//! in-process, and assert on the world that comes out (status, opened ports, published
//! relation data, flags, logs, hook-tool calls).
//!
//! Hooks run through the same hook-tool semantics as the `charm-emulator` processes (its
//! [`Emulator::call`]), called in-process: no process is spawned, so a test runs in
//! microseconds. Buffered writes (ports, relation data, state) are committed only when the
//! hook succeeds, exactly as in the emulator and in Juju.
//!
//! ```
//! #[charm_core::charm(
//!     metadata = "tests/fixtures/doc/metadata.yaml",
//!     config = "tests/fixtures/doc/config.yaml",
//!     flags("app.ready"),
//!     allow(unread("app.ready")),
//! )]
//! mod app {
//!     use charm_core::prelude::*;
//!
//!     #[hook("config-changed")]
//!     fn open(unit: &mut Unit) -> Result<()> {
//!         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
//!         unit.ports().set([Port::Tcp(port)]);
//!         unit.flags().set(flags::APP_READY);
//!         unit.status().active(format!("on {port}"))
//!     }
//!
//!     #[when("redis.available")]
//!     fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
//!         unit.endpoint(endpoints::REDIS).publish("client", "app");
//!         unit.status().active(format!("cached by {}", redis.host_list()))
//!     }
//!
//!     #[action("greet")]
//!     fn greet(unit: &mut Unit, params: actions::Greet) -> Result<()> {
//!         unit.action().set("greeting", format!("Hello, {}!", params.name))
//!     }
//! }
//! let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/doc");
//! let mut h = charm_testing::Harness::new(&app::CHARM, fixtures, "app/0").unwrap();
//! h.set_config("port", "9000").unwrap();
//! let out = h.run("config-changed");
//! out.result.as_ref().unwrap();
//! assert_eq!(h.opened_ports(), ["9000/tcp"]);
//! assert!(h.flags().contains(&"app.ready".to_owned()));
//! ```

use std::cell::{Ref, RefCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use charm_core::juju::{HookTools, ToolOutput};
use charm_core::{Charm, HookEnv, RunOptions, Trace};
use charm_emulator::{CharmInfo, ContextId, Emulator, Hook, Model, ToolCall};

pub use charm_emulator::{LogRecord, Status};

mod actions;
mod contract;
#[cfg(feature = "docker")]
pub mod docker;

pub use actions::ActionOutput;
pub use charm_emulator::ActionStatus;

/// The `charm-emulator` executable that hook-tool symlinks point to, for black-box tests of a
/// compiled charm: `CHARM_EMULATOR_BIN` if set, else `charm-emulator` in the cargo target
/// directory of the running test (`cargo test --workspace` builds it; so does
/// `cargo build -p charm-emulator`), else `charm-emulator` on `PATH` (for charm crates outside
/// the framework's workspace: `cargo install --path <framework>/charm-emulator`).
///
/// # Panics
/// When the binary is missing, with the command that builds it: a test cannot go on.
///
/// ```no_run
/// // A black-box test runs the compiled charm with hook tools linked to the emulator.
/// let emulator = charm_testing::emulator_binary();
/// assert!(emulator.ends_with("charm-emulator"));
/// ```
pub fn emulator_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CHARM_EMULATOR_BIN") {
        return path.into();
    }
    let exe = std::env::current_exe().unwrap_or_default();
    // A test runs from target/<profile>/deps/.
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("target/debug"));
    let bin = target.join("charm-emulator");
    if bin.is_file() {
        return bin;
    }
    // A charm crate outside the framework's workspace: cargo builds no binary of a
    // dependency, so take an installed one (`cargo install --path <framework>/charm-emulator`).
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("charm-emulator"))
            .find(|candidate| candidate.is_file())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "no charm-emulator executable: not at {} nor on PATH; in the framework's workspace run \
             `cargo build -p charm-emulator`, elsewhere `cargo install --path <framework>/charm-emulator` \
             or set CHARM_EMULATOR_BIN",
            bin.display()
        )
    })
}

/// A compiled charm set up for black-box tests through the emulator: a temporary charm
/// directory holding the charm's metadata.yaml (and config.yaml, when it has one), a model
/// directory whose hook tools are the emulator's executables, and a [`charm_emulator::Runner`]
/// that starts `charm_binary` for each hook exactly as Juju starts `dispatch`.
///
/// ```no_run
/// use charm_emulator::Hook;
/// let unit = charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "hello/0", "target/debug/hello-charm");
/// let outcome = unit.runner.run(Hook::new("install")).unwrap();
/// assert!(outcome.success(), "{}", outcome.stderr_text());
/// ```
pub struct EmulatedUnit {
    /// Owns both directories; they go away with the value.
    pub tmp: tempfile::TempDir,
    /// The charm directory (the unit state and rendered files live here).
    pub charm_dir: PathBuf,
    /// Runs hooks and the sequences Juju runs (deploy, relate, ...).
    pub runner: charm_emulator::Runner,
}

impl EmulatedUnit {
    /// Sets up unit `unit` (`app/0`, the leader) of the charm whose metadata.yaml,
    /// config.yaml and actions.yaml (or charmcraft.yaml) are in `source_dir`, run from
    /// `charm_binary`.
    ///
    /// # Panics
    /// When the fixture cannot be made (no temp dir, no metadata.yaml, no emulator binary):
    /// a test cannot go on.
    pub fn new(source_dir: impl AsRef<Path>, unit: &str, charm_binary: impl Into<PathBuf>) -> Self {
        let source_dir = source_dir.as_ref();
        let tmp = tempfile::tempdir().expect("a temp dir");
        let charm_dir = tmp.path().join("charm");
        std::fs::create_dir_all(&charm_dir).expect("the charm dir");
        for file in [
            "metadata.yaml",
            "config.yaml",
            "actions.yaml",
            "charmcraft.yaml",
        ] {
            let from = source_dir.join(file);
            if from.exists() {
                std::fs::copy(&from, charm_dir.join(file))
                    .unwrap_or_else(|e| panic!("copying {}: {e}", from.display()));
            }
        }
        let dir = charm_emulator::ModelDir::init(&charm_emulator::InitOptions {
            model_dir: tmp.path().join("model"),
            charm_dir: charm_dir.clone(),
            unit: unit.to_owned(),
            leader: true,
            tool_executable: emulator_binary(),
        })
        .unwrap_or_else(|e| panic!("charm-emulator init: {e}"));
        let runner = charm_emulator::Runner::new(dir).with_charm_binary(charm_binary);
        Self {
            tmp,
            charm_dir,
            runner,
        }
    }

    /// The unit's world as the emulator keeps it.
    pub fn model(&self) -> Model {
        self.runner.model_dir().load().expect("a readable model")
    }

    /// The unit state file as last committed (empty before the first successful hook).
    pub fn state_file(&self) -> Vec<u8> {
        std::fs::read(self.charm_dir.join(charm_core::STATE_FILE)).unwrap_or_default()
    }

    /// Committed opened ports, as `5000/tcp`.
    pub fn opened_ports(&self) -> Vec<String> {
        self.model()
            .opened_ports
            .iter()
            .map(|p| p.to_string())
            .collect()
    }
}

/// `N` distinct free TCP ports on loopback, for a test's published ports. All are held
/// open until every one is chosen, so they cannot repeat within one call.
///
/// ```
/// let [a, b] = charm_testing::free_ports();
/// assert_ne!(a, b);
/// ```
pub fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<std::net::TcpListener> = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on loopback"))
        .collect();
    std::array::from_fn(|i| {
        listeners[i]
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    })
}

/// Removes a compose project's containers, its default network and its named volumes when
/// dropped, so tests that bring up a workload clean up after themselves even when they fail.
///
/// ```no_run
/// // Brought up by the test below; removed when `_cleanup` drops, even if an assert fails.
/// let _cleanup = charm_testing::ProjectCleanup("doc-test-app".to_owned());
/// ```
#[derive(Debug)]
pub struct ProjectCleanup(pub String);

impl Drop for ProjectCleanup {
    fn drop(&mut self) {
        use std::process::Command;
        let label = format!("label=com.docker.compose.project={}", self.0);
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &label])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let _ = Command::new("docker")
                .args(["rm", "-f"])
                .args(&ids)
                .output();
        }
        let network = format!("{}_default", self.0);
        let _ = Command::new("docker")
            .args(["network", "rm", &network])
            .output();
        // Named volumes too (the voting app's database): a test leaves no data behind.
        let volumes = Command::new("docker")
            .args(["volume", "ls", "-q", "--filter", &label])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let volumes: Vec<&str> = volumes.split_whitespace().collect();
        if !volumes.is_empty() {
            let _ = Command::new("docker")
                .args(["volume", "rm", "-f"])
                .args(&volumes)
                .output();
        }
    }
}

fn not_in_relation(id: u64, unit: &str) -> Output {
    Output {
        hook: "relation-changed".to_owned(),
        result: Err(charm_core::Error::msg(format!(
            "unit {unit} is not in relation {id}"
        ))),
        trace: Trace::default(),
        calls: Vec::new(),
        flags: Vec::new(),
    }
}

/// What one hook did.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/metadata.yaml",
///     config = "tests/fixtures/doc/config.yaml",
///     flags("app.ready"),
///     allow(unread("app.ready")),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("config-changed")]
///     fn open(unit: &mut Unit) -> Result<()> {
///         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
///         unit.ports().set([Port::Tcp(port)]);
///         unit.flags().set(flags::APP_READY);
///         unit.status().active(format!("on {port}"))
///     }
///
///     #[when("redis.available")]
///     fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
///         unit.endpoint(endpoints::REDIS).publish("client", "app");
///         unit.status().active(format!("cached by {}", redis.host_list()))
///     }
///
///     #[action("greet")]
///     fn greet(unit: &mut Unit, params: actions::Greet) -> Result<()> {
///         unit.action().set("greeting", format!("Hello, {}!", params.name))
///     }
/// }
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/doc");
/// let mut h = charm_testing::Harness::new(&app::CHARM, fixtures, "app/0").unwrap();
/// let out = h.run("config-changed");
/// assert_eq!(out.hook, "config-changed");
/// assert!(out.result.is_ok());
/// assert!(out.tools_called().contains(&"open-port"), "{:?}", out.tools_called());
/// assert!(out.flags.contains(&"app.ready".to_owned()));
/// ```
#[derive(Debug)]
pub struct Output {
    /// The hook that ran (`install`, `db-relation-changed`, ...).
    pub hook: String,
    /// Whether every handler succeeded (then the state was committed).
    pub result: charm_core::Result<()>,
    /// Which handlers ran, and why.
    pub trace: Trace,
    /// The hook-tool calls it made, in order.
    pub calls: Vec<ToolCall>,
    /// The flags persisted once it ended (unchanged by a failed hook), sorted.
    pub flags: Vec<String>,
}

impl Output {
    /// The names of the tools called, in order.
    pub fn tools_called(&self) -> Vec<&str> {
        self.calls.iter().map(|c| c.tool.as_str()).collect()
    }
}

/// One unit of a charm, its world, and its charm directory (a temp dir holding the unit's
/// persisted flags).
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/metadata.yaml",
///     config = "tests/fixtures/doc/config.yaml",
///     flags("app.ready"),
///     allow(unread("app.ready")),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("config-changed")]
///     fn open(unit: &mut Unit) -> Result<()> {
///         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
///         unit.ports().set([Port::Tcp(port)]);
///         unit.flags().set(flags::APP_READY);
///         unit.status().active(format!("on {port}"))
///     }
///
///     #[when("redis.available")]
///     fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
///         unit.endpoint(endpoints::REDIS).publish("client", "app");
///         unit.status().active(format!("cached by {}", redis.host_list()))
///     }
///
///     #[action("greet")]
///     fn greet(unit: &mut Unit, params: actions::Greet) -> Result<()> {
///         unit.action().set("greeting", format!("Hello, {}!", params.name))
///     }
/// }
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/doc");
/// let mut h = charm_testing::Harness::new(&app::CHARM, fixtures, "app/0").unwrap();
/// // Juju relates a redis application with one unit; the charm's handler answers.
/// let (id, outputs) = h.relate(app::endpoints::REDIS, "redis", &[("redis/0", &[("host", "10.0.0.7"), ("port", "6379")])]).unwrap();
/// assert!(outputs.iter().all(|o| o.result.is_ok()));
/// assert_eq!(h.published(id)["client"], "app");
/// assert_eq!(h.unit_status().message, "cached by 10.0.0.7");
/// ```
pub struct Harness {
    charm: &'static Charm,
    emulator: Rc<RefCell<Emulator>>,
    charm_dir: tempfile::TempDir,
    env: BTreeMap<String, String>,
    /// The Docker test double hooks use instead of an engine, once [`Harness::fake_docker`].
    #[cfg(feature = "docker")]
    docker: Option<docker::FakeDocker>,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("charm", &self.charm.name)
            .finish_non_exhaustive()
    }
}

/// The in-process hook-tool backend: each call goes straight to [`Emulator::call`].
struct InProcess {
    emulator: Rc<RefCell<Emulator>>,
    context: ContextId,
}

impl HookTools for InProcess {
    fn run(&mut self, tool: &str, args: &[String], stdin: &[u8]) -> std::io::Result<ToolOutput> {
        let out = self
            .emulator
            .borrow_mut()
            .call(&self.context, tool, args, stdin);
        Ok(ToolOutput {
            code: out.code,
            stdout: out.stdout,
            stderr: out.stderr,
        })
    }
}

/// The endpoint a test relates: the charm's typed handle (`app::endpoints::REDIS`), or a
/// name, since the harness plays Juju, which may name an endpoint the charm does not declare
/// (to test how the charm takes it).
///
/// ```
/// use charm_testing::RelationEndpoint;
/// assert_eq!("db".relation_endpoint(), "db", "a name the charm may not declare, as Juju could send");
/// ```
pub trait RelationEndpoint {
    /// The endpoint's name.
    fn relation_endpoint(&self) -> &str;
}

impl<I> RelationEndpoint for charm_core::EndpointName<I> {
    fn relation_endpoint(&self) -> &str {
        self.name()
    }
}

impl RelationEndpoint for &str {
    fn relation_endpoint(&self) -> &str {
        self
    }
}

impl Harness {
    /// A unit `unit` (`app/0`) of `charm`, whose metadata.yaml and config.yaml are in
    /// `source_dir` (usually `env!("CARGO_MANIFEST_DIR")`). It starts as leader, with default
    /// config, no relations and no flags.
    pub fn new(
        charm: &'static Charm,
        source_dir: impl AsRef<Path>,
        unit: &str,
    ) -> charm_emulator::Result<Self> {
        Self::new_in(charm, source_dir, unit, std::env::temp_dir())
    }

    /// [`Harness::new`] with the charm directory made in `parent` (a tmpfs such as
    /// `/dev/shm`, for suites that run thousands of hooks: every commit is fsynced).
    pub fn new_in(
        charm: &'static Charm,
        source_dir: impl AsRef<Path>,
        unit: &str,
        parent: impl AsRef<Path>,
    ) -> charm_emulator::Result<Self> {
        let info = CharmInfo::load(source_dir.as_ref())?;
        let charm_dir = tempfile::tempdir_in(parent).map_err(|e| {
            charm_emulator::Error::invalid(format!("cannot create a temp charm directory: {e}"))
        })?;
        let mut model = Model::new(unit)?;
        model.charm_dir = Some(charm_dir.path().to_owned());
        model.endpoints = info.endpoints;
        model.extra_bindings = info.extra_bindings;
        model.config = info.config;
        model.actions = info.actions;
        model.leader = true;
        model.contract.declare_from(source_dir.as_ref())?;
        Ok(Self {
            charm,
            emulator: Rc::new(RefCell::new(Emulator::new(model))),
            charm_dir,
            env: BTreeMap::new(),
            #[cfg(feature = "docker")]
            docker: None,
        })
    }

    /// From now on, hooks use a Docker test double instead of the engine (feature `docker`):
    /// it records compose `up`s and `down`s and fails on demand. Returns a handle to it.
    #[cfg(feature = "docker")]
    pub fn fake_docker(&mut self) -> docker::FakeDocker {
        self.docker
            .get_or_insert_with(docker::FakeDocker::default)
            .clone()
    }

    /// The charm directory of the unit (rendered files and the unit state live here).
    pub fn charm_dir(&self) -> &Path {
        self.charm_dir.path()
    }

    /// The unit's world, to inspect.
    pub fn model(&self) -> std::cell::Ref<'_, Model> {
        Ref::map(self.emulator.borrow(), Emulator::model)
    }

    /// Changes the world before the next hook (config, relations, leadership, ...).
    pub fn with_model<T>(&self, change: impl FnOnce(&mut Model) -> T) -> T {
        change(self.emulator.borrow_mut().model_mut())
    }

    /// Sets a config option from its text form, typed by config.yaml.
    pub fn set_config(&self, key: &str, value: &str) -> charm_emulator::Result<()> {
        self.with_model(|m| m.set_config(key, value))
    }

    /// Sets a config option from a typed value (`json!(8080)`, `true`, `"text"`), checked
    /// against its type in config.yaml; `Value::Null` resets it to its default.
    ///
    /// ```no_run
    /// # fn f(h: &charm_testing::Harness) {
    /// h.set_config_value("port", 9000).unwrap();
    /// h.set_config_value("debug", true).unwrap();
    /// # }
    /// ```
    pub fn set_config_value(
        &self,
        key: &str,
        value: impl Into<serde_json::Value>,
    ) -> charm_emulator::Result<()> {
        let value = value.into();
        self.with_model(|m| {
            let option = m.config.get(key).ok_or_else(|| {
                charm_emulator::Error::invalid(format!(
                    "unknown config option {key:?} (the charm declares: {})",
                    m.config.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })?;
            if value.is_null() {
                m.config_values.remove(key);
                return Ok(());
            }
            if !option.kind.accepts(&value) {
                return Err(charm_emulator::Error::invalid(format!(
                    "config option {key:?} is a {}, not {value}",
                    option.kind.name()
                )));
            }
            m.config_values.insert(key.to_owned(), value);
            Ok(())
        })
    }

    /// Starts the unit from given flags: each is set in the persisted state, as if an earlier
    /// hook had set it (call before the hook that should see them).
    pub fn set_flags(&self, flags: &[&str]) -> charm_core::Result<()> {
        self.edit_state(|snapshot| {
            for flag in flags {
                snapshot
                    .flags
                    .insert((*flag).to_owned(), serde_json::Value::Null);
            }
        })
    }

    /// Stores a value the charm reads with `unit.kv().get(key)`, as if an earlier hook had
    /// stored it with `unit.kv().set(key, value)`.
    pub fn set_data(&self, key: &str, value: impl serde::Serialize) -> charm_core::Result<()> {
        let value = serde_json::to_value(value)?;
        self.edit_state(|snapshot| {
            snapshot.kv.insert(format!("charm.{key}"), value);
        })
    }

    /// Changes the persisted unit state between hooks.
    fn edit_state(&self, edit: impl FnOnce(&mut charm_core::Snapshot)) -> charm_core::Result<()> {
        let mut store = charm_core::Store::in_dir(self.charm_dir.path());
        let mut snapshot = store.load()?;
        edit(&mut snapshot);
        store.commit(&snapshot).map(drop)
    }

    /// Changes one remote unit's data on relation `id` (an empty value deletes the key) and
    /// runs `-relation-changed` for that unit, as Juju does.
    pub fn change_unit_data(&mut self, id: u64, unit: &str, data: &[(&str, &str)]) -> Output {
        let endpoint = self.with_model(|m| {
            let rel = m.relations.get_mut(&id)?;
            let remote = rel.remote_units.get_mut(unit)?;
            for (k, v) in data {
                if v.is_empty() {
                    remote.data.remove(*k);
                } else {
                    remote.data.insert((*k).to_owned(), (*v).to_owned());
                }
            }
            Some(rel.endpoint.clone())
        });
        match endpoint {
            Some(ep) => self.run_relation(&format!("{ep}-relation-changed"), id, Some(unit)),
            None => not_in_relation(id, unit),
        }
    }

    /// One more remote unit joins relation `id` with `data`: `-relation-joined`, then
    /// `-relation-changed` if the first succeeded (Juju halts on a failed hook).
    pub fn add_unit(&mut self, id: u64, unit: &str, data: &[(&str, &str)]) -> Vec<Output> {
        let endpoint = self.with_model(|m| {
            let rel = m.relations.get_mut(&id)?;
            let bag = data
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            rel.remote_units.insert(
                unit.to_owned(),
                charm_emulator::RemoteUnit {
                    data: bag,
                    departing: false,
                },
            );
            Some(rel.endpoint.clone())
        });
        let Some(endpoint) = endpoint else {
            return vec![not_in_relation(id, unit)];
        };
        let joined = self.run_relation(&format!("{endpoint}-relation-joined"), id, Some(unit));
        if joined.result.is_err() {
            return vec![joined];
        }
        let changed = self.run_relation(&format!("{endpoint}-relation-changed"), id, Some(unit));
        vec![joined, changed]
    }

    /// One remote unit leaves relation `id` (`-relation-departed`; see [`Harness::depart`]).
    pub fn remove_unit(&mut self, id: u64, unit: &str) -> Output {
        self.depart(id, unit)
    }

    /// Adds a variable to the environment of every hook (e.g. `CHARM_DOCKER_HOST_IP`), as
    /// the emulator's runner does with `with_env`; the contract's own variables win.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.insert(key.to_owned(), value.to_owned());
    }

    /// Sets leadership.
    pub fn set_leader(&self, leader: bool) {
        self.with_model(|m| m.leader = leader);
    }

    /// Adds a relation on `endpoint` to `remote_app` with remote units and their data;
    /// returns its number (the `N` of `endpoint:N`). Run the relation hooks yourself.
    pub fn add_relation(
        &self,
        endpoint: impl RelationEndpoint,
        remote_app: &str,
        units: &[(&str, &[(&str, &str)])],
    ) -> charm_emulator::Result<u64> {
        let endpoint = endpoint.relation_endpoint();
        self.with_model(|m| {
            let id = m.add_relation(endpoint, remote_app)?;
            if let Some(rel) = m.relations.get_mut(&id) {
                for (unit, data) in units {
                    let bag = data
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect();
                    rel.remote_units.insert(
                        (*unit).to_owned(),
                        charm_emulator::RemoteUnit {
                            data: bag,
                            departing: false,
                        },
                    );
                }
            }
            Ok(id)
        })
    }

    /// Relates `endpoint` to `remote_app` as Juju does: adds the relation and its units, runs
    /// `-relation-created`, then `-relation-joined` and `-relation-changed` for each unit.
    /// Returns the relation number and what each hook did.
    pub fn relate(
        &mut self,
        endpoint: impl RelationEndpoint,
        remote_app: &str,
        units: &[(&str, &[(&str, &str)])],
    ) -> charm_emulator::Result<(u64, Vec<Output>)> {
        let endpoint = endpoint.relation_endpoint();
        let id = self.add_relation(endpoint, remote_app, &[])?;
        let mut outputs =
            vec![self.run_relation(&format!("{endpoint}-relation-created"), id, None)];
        for (unit, data) in units {
            let bag = data
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            self.with_model(|m| {
                if let Some(rel) = m.relations.get_mut(&id) {
                    let remote = charm_emulator::RemoteUnit {
                        data: bag,
                        departing: false,
                    };
                    rel.remote_units.insert((*unit).to_owned(), remote);
                }
            });
            for kind in ["joined", "changed"] {
                outputs.push(self.run_relation(
                    &format!("{endpoint}-relation-{kind}"),
                    id,
                    Some(unit),
                ));
            }
        }
        Ok((id, outputs))
    }

    /// A remote unit leaves relation `id`: `-relation-departed` runs while the unit is no
    /// longer listed (its data still readable), then it is gone.
    pub fn depart(&mut self, id: u64, unit: &str) -> Output {
        let endpoint = self.with_model(|m| {
            let rel = m.relations.get_mut(&id)?;
            rel.remote_units.get_mut(unit)?.departing = true;
            Some(rel.endpoint.clone())
        });
        let Some(endpoint) = endpoint else {
            return Output {
                hook: "relation-departed".to_owned(),
                result: Err(charm_core::Error::msg(format!(
                    "unit {unit} is not in relation {id}"
                ))),
                trace: Trace::default(),
                calls: Vec::new(),
                flags: self.flags(),
            };
        };
        let output = self.run_relation(&format!("{endpoint}-relation-departed"), id, Some(unit));
        self.with_model(|m| {
            m.relations
                .get_mut(&id)
                .map(|r| r.remote_units.remove(unit))
        });
        output
    }

    /// Removes relation `id` as Juju does: every unit departs, then `-relation-broken` runs and
    /// the relation is gone.
    pub fn unrelate(&mut self, id: u64) -> Vec<Output> {
        let Some((endpoint, units)) = self.with_model(|m| {
            m.relations.get(&id).map(|r| {
                (
                    r.endpoint.clone(),
                    r.remote_units.keys().cloned().collect::<Vec<_>>(),
                )
            })
        }) else {
            return Vec::new();
        };
        let mut outputs: Vec<Output> = units.iter().map(|unit| self.depart(id, unit)).collect();
        self.with_model(|m| m.relations.get_mut(&id).map(|r| r.broken = true));
        outputs.push(self.run_relation(&format!("{endpoint}-relation-broken"), id, None));
        self.with_model(|m| m.relations.remove(&id));
        outputs
    }

    /// Runs one hook (`install`, `config-changed`, ...) in-process.
    pub fn run(&mut self, hook: &str) -> Output {
        self.run_hook(Hook::new(hook))
    }

    /// Runs a relation hook of relation `id` (with `remote_unit` for joined/changed/departed).
    pub fn run_relation(&mut self, hook: &str, id: u64, remote_unit: Option<&str>) -> Output {
        let mut h = Hook::new(hook).with_relation(id);
        if let Some(unit) = remote_unit {
            h = if hook.ends_with("-departed") {
                h.with_remote_unit(unit).with_departing_unit(unit)
            } else {
                h.with_remote_unit(unit)
            };
        }
        self.run_hook(h)
    }

    /// Runs any hook.
    pub fn run_hook(&mut self, hook: Hook) -> Output {
        self.run_hook_ending(hook, None)
    }

    /// Runs a hook whose process is killed right after the charm committed its unit state,
    /// before it could exit 0: Juju then drops the hook's buffered writes (ports, relation
    /// data, charm state) although the framework's own record says they were sent.
    pub fn run_killed_after_commit(&mut self, hook: &str) -> Output {
        self.run_hook_ending(Hook::new(hook), Some(137))
    }

    /// An output for a hook that could not start because its set-up failed.
    fn failed_setup(&self, hook: &str, err: impl std::fmt::Display) -> Output {
        Output {
            hook: hook.to_owned(),
            result: Err(charm_core::Error::msg(format!(
                "cannot start the hook: {err}"
            ))),
            trace: Trace::default(),
            calls: Vec::new(),
            flags: self.flags(),
        }
    }

    fn run_hook_ending(&mut self, hook: Hook, exit_code: Option<i32>) -> Output {
        let name = hook
            .dispatch_path()
            .strip_prefix("hooks/")
            .map(str::to_owned)
            .unwrap_or_else(|| hook.dispatch_path());
        let context = match self.emulator.borrow_mut().open_context(hook) {
            Ok(ctx) => ctx,
            Err(err) => {
                return Output {
                    hook: name,
                    result: Err(charm_core::Error::msg(format!(
                        "cannot start the hook: {err}"
                    ))),
                    trace: Trace::default(),
                    calls: Vec::new(),
                    flags: self.flags(),
                };
            }
        };
        let env = HookEnv::from_lookup(
            |k| {
                let value = context.env.get(k).or_else(|| self.env.get(k));
                value.cloned().filter(|v| !v.is_empty())
            },
            None,
        );
        let result = match env {
            Ok(env) => {
                let tools = InProcess {
                    emulator: self.emulator.clone(),
                    context: context.id.clone(),
                };
                let run = || {
                    charm_core::run_hook(self.charm, env, Box::new(tools), RunOptions::default())
                };
                #[cfg(feature = "docker")]
                let run = || match &self.docker {
                    Some(fake) => charm_core::with_docker_backend(Rc::new(fake.clone()), run),
                    None => run(),
                };
                run()
            }
            Err(err) => charm_core::HookReport {
                result: Err(err),
                trace: Trace::default(),
                tool_calls: 0,
            },
        };
        let code = exit_code.unwrap_or(if result.result.is_ok() { 0 } else { 1 });
        let finished = self
            .emulator
            .borrow_mut()
            .finish_with_code(&context.id, code);
        Output {
            hook: name,
            result: result.result,
            trace: result.trace,
            calls: finished.map(|f| f.calls).unwrap_or_default(),
            flags: self.flags(),
        }
    }

    /// The unit's current workload status.
    pub fn unit_status(&self) -> Status {
        self.model().unit_status.clone()
    }

    /// Committed opened ports, as `5000/tcp`.
    pub fn opened_ports(&self) -> Vec<String> {
        self.model()
            .opened_ports
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    /// The data our unit published on relation `id`.
    pub fn published(&self, id: u64) -> BTreeMap<String, String> {
        self.model()
            .relations
            .get(&id)
            .map(|r| r.local_unit_data.clone())
            .unwrap_or_default()
    }

    /// The flags persisted by the last successful hook.
    pub fn flags(&self) -> Vec<String> {
        self.snapshot()
            .map(|s| s.flags.into_keys().collect())
            .unwrap_or_default()
    }

    /// Whether the last successful hook left `flag` set: `h.is_flag_set(app::flags::APP_RUNNING)`,
    /// with the charm's typed flag.
    pub fn is_flag_set(&self, flag: impl charm_core::FlagName) -> bool {
        let name = flag.flag_name();
        self.snapshot().is_some_and(|s| s.flags.contains_key(name))
    }

    /// Juju log records at `level` (`INFO`, `WARNING`, ...).
    pub fn logs(&self, level: &str) -> Vec<String> {
        self.model()
            .logs
            .iter()
            .filter(|l| l.level == level)
            .map(|l| l.message.clone())
            .collect()
    }

    /// The unit state file as committed (None before the first successful hook).
    pub fn snapshot(&self) -> Option<charm_core::Snapshot> {
        if !self.charm_dir.path().join(charm_core::STATE_FILE).exists() {
            return None;
        }
        charm_core::Store::in_dir(self.charm_dir.path()).load().ok()
    }
}

//! The runtime of the Rust charm framework: flags, the reactive dispatch bus, Juju's hook
//! tools, typed config, relation endpoints and interfaces, and Docker.
//!
//! A charm is a module of handlers guarded by flags, as in charms.reactive, checked at
//! compile time by [`charm`]:
//!
//! ```
//! #[charm_core::charm(
//!     metadata = "tests/fixtures/doc/metadata.yaml",
//!     config = "tests/fixtures/doc/config.yaml",
//!     flags("hello.greeted"),
//! )]
//! mod hello {
//!     use charm_core::prelude::*;
//!
//!     #[when_not("hello.greeted")]
//!     fn greet(unit: &mut Unit) -> Result<()> {
//!         let config = unit.config()?;
//!         unit.status().active(format!("Hello, {}!", config.name))?;
//!         unit.flags().set(flags::HELLO_GREETED);
//!         Ok(())
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     # return std::process::ExitCode::SUCCESS;
//!     hello::CHARM.main()
//! }
//! ```
//!
//! [`charm`] generates the registry (`hello::CHARM`), a typed `Config` from config.yaml, and
//! rejects unknown flags, config keys, endpoints and hook names at compile time.
//!
//! # Where to start
//!
//! - The macros: [`charm`] and [`layer`] on a module; [`when`], [`when_not`], [`when_any`],
//!   [`hook`], [`action`], [`only_once`], ... on its handlers; [`template`] on a template's
//!   context. [`prelude`] brings them and the types below into scope.
//! - [`Unit`], the hook context every handler receives, and its [`facets`]: `unit.flags()`
//!   ([`Flags`](facets::Flags)), `unit.status()`, `unit.ports()`, `unit.endpoint(..)`,
//!   `unit.kv()`, `unit.log()`, `unit.leader()`, `unit.action()`, `unit.secrets()`,
//!   `unit.storage()`, `unit.resources()`.
//! - The typed names the macros generate in the charm's module: [`Flag`] constants in
//!   `flags` (and [`FlagPattern`]s for names made at run time), [`EndpointName`]s in
//!   `endpoints`, [`StorageName`]s in `storage`, leader keys in `leader`.
//! - The [`interfaces`] an endpoint is read as ([`Redis`](interfaces::Redis),
//!   [`Postgres`](interfaces::Postgres), [`Http`](interfaces::Http), or your own
//!   [`Interface`]), and the values of [`juju`] ([`Port`], [`StatusKind`], [`LogLevel`]).
//! - [`render`] for compose and `.env` files, and (feature `docker`) the `docker` layer and
//!   `DockerUnit`, Docker Compose's `up` and `down` on the unit.
//! - Juju's wider contract: [`secrets`], [`storage`], [`contract`] (goal state, resources,
//!   the cloud), [`settings`] (the framework's own knobs).
//!
//! Tests of a charm use the `charm-testing` crate's `Harness` (one hook in-process, on an
//! emulated unit) and `charm-emulator` (the charm binary as Juju runs it).

extern crate self as charm_core;

mod bus;
#[cfg(feature = "docker")]
mod compose;
// What the generated `Config` calls; authors read config through `unit.config()`.
#[doc(hidden)]
pub mod config;
mod const_check;
pub mod contract;
pub mod endpoint;
mod endpoint_store;
mod error;
pub mod facets;
pub mod flag;
mod flags;
// The `--graph` entry point of the generated main and cargo-charm's: not charm code's.
#[doc(hidden)]
pub mod graph;
// The hook's environment as the runner reads it; a handler reads it through `unit.hook()`.
#[doc(hidden)]
pub mod hook;
mod hook_lock;
pub mod interfaces;
pub mod juju;
mod juju_contract;
mod juju_view;
mod redact;
mod registry;
pub mod render;
mod run;
pub mod secrets;
pub mod settings;
mod status_memo;
pub mod storage;
mod store;
mod trace;
mod unit;
mod version;

#[doc(hidden)]
pub use charm_macros::__interface_consts;
pub use charm_macros::{
    action, charm, clears, hook, interface, layer, only_once, sets, template, when, when_all,
    when_any, when_file_changed, when_none, when_not, when_not_all,
};
#[doc(hidden)]
pub use config::{ConfigValue, TypedConfig};
pub use endpoint::{Bag, Endpoint, EndpointName, EndpointOf, Interface, Relation};
pub use error::{Error, Result};
pub use flag::{DynFlag, Flag, FlagName, FlagPattern};
#[doc(hidden)]
pub use hook::HookEnv;
// The runner's lock and the unit-state files: for the harness and the fault tests.
#[doc(hidden)]
pub use hook_lock::{HookLock, LOCK_FILE, sweep_temp_files};
pub use juju::{LogLevel, Port, Status, StatusKind};
// The registry the macros generate, the runner and the unit store: public for the
// generated code and the test harness, not part of the documented API.
#[cfg(feature = "docker")]
pub use compose::{Converged, DockerUnit};
// The seam charm-testing's Docker double plugs into.
#[cfg(feature = "docker")]
#[doc(hidden)]
pub use compose::{DockerBackend, with_docker_backend};
pub use contract::{CloudSpec, GoalState, GoalStatus, Resource};
#[doc(hidden)]
pub use endpoint_store::ENDPOINT_DATA_DIR;
#[doc(hidden)]
pub use registry::{
    Charm, Cond, ConfigOptionDef, EndpointDef, HandlerDef, Layer, OptionType, Role, TriggerDef,
    TriggerWhen,
};
#[doc(hidden)]
pub use run::{HookReport, RunOptions, run, run_hook};
pub use secrets::{SecretContent, SecretId, SecretLabel, SecretValue};
pub use settings::{SETTINGS_FILE, Settings};
#[doc(hidden)]
pub use status_memo::STATUS_MEMO_FILE;
pub use storage::{StorageInstance, StorageKind, StorageName};
#[doc(hidden)]
pub use store::STATE_FILE;
#[doc(hidden)]
pub use store::{Snapshot, Store, write_atomically};
#[doc(hidden)]
pub use trace::{Trace, TraceEntry};
pub use unit::{HOST_IP_ENV, Unit};
pub use version::JujuVersion;

/// Docker Compose's semantics over the Docker Engine API (the `charm-docker` crate), and the
/// docker layer: include it with `layers(charm_core::docker)` to get `docker.available`.
///
/// The layer sets `docker.available` once the engine answers, and re-checks it on every
/// `update-status`, clearing the flag (status `waiting: Docker engine not reachable at ...`)
/// when the engine is gone. On a real unit without an engine, the install hook installs
/// Debian/Ubuntu's `docker.io` (set `CHARM_DOCKER_INSTALL=0` to forbid that).
///
/// Only with charm-core's `docker` feature (`charm-core = { ..., features = ["docker"] }`):
/// a charm without it compiles and links neither bollard nor tokio.
///
/// ```no_run
/// # // Runs only with a Docker engine; see `DockerUnit` for what a handler does with it.
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     flags("app.up"),
///     layers(charm_core::docker),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when("docker.available")]
///     #[when_not("app.up")]
///     fn up(unit: &mut Unit) -> Result<()> {
///         unit.compose_up("app", "files/docker-compose.yml")?;
///         unit.flags().set(flags::APP_UP);
///         Ok(())
///     }
/// }
/// ```
#[cfg(feature = "docker")]
#[charm_core::layer(flags("docker.available"))]
pub mod docker {
    pub use charm_docker::*;

    use crate::DockerUnit;

    #[when_not("docker.available")]
    fn detect_engine(unit: &mut crate::Unit) -> crate::Result<()> {
        // Install only where there is no engine at all: on a unit, not where one answers
        // (or lives elsewhere, behind DOCKER_HOST).
        let forbidden = unit.hook().setting("CHARM_DOCKER_INSTALL") == Some("0");
        if unit.hook().name() == "install"
            && unit.docker().is_err()
            && !forbidden
            && needs_install()
        {
            unit.status()
                .maintenance("installing the Docker engine (docker.io)")?;
            install_engine()?;
        }
        check_engine(unit)
    }

    #[hook("update-status")]
    fn recheck_engine(unit: &mut crate::Unit) -> crate::Result<()> {
        check_engine(unit)
    }

    fn check_engine(unit: &mut crate::Unit) -> crate::Result<()> {
        let answer = unit.docker().and_then(|engine| Ok(engine.ping()?));
        match answer {
            Ok(()) => unit.flags().set(flags::DOCKER_AVAILABLE),
            Err(err) => {
                unit.flags().clear(flags::DOCKER_AVAILABLE);
                let reason = match &err {
                    crate::Error::Docker(
                        docker @ (Error::EngineUnreachable { .. }
                        | Error::EngineNotAnswering { .. }),
                    ) => crate::compose::docker_status(docker).1,
                    other => format!("Docker engine not usable: {other}"),
                };
                unit.log().warning(format!("{reason}: {err}"));
                unit.status().waiting(reason)?;
            }
        }
        Ok(())
    }

    /// No `dockerd` on this machine and apt-get available (`CHARM_DOCKER_INSTALL=0`, in the
    /// environment or `.charm-settings`, forbids the install: checked by the caller).
    fn needs_install() -> bool {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let has_dockerd = std::env::split_paths(&path)
            .chain(["/usr/sbin".into(), "/usr/bin".into(), "/sbin".into()])
            .any(|dir| dir.join("dockerd").exists());
        !has_dockerd && std::path::Path::new("/usr/bin/apt-get").exists()
    }

    fn install_engine() -> crate::Result<()> {
        let status = std::process::Command::new("apt-get")
            .args(["install", "-y", "docker.io"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| crate::Error::msg(format!("running apt-get install docker.io: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(crate::Error::msg(format!(
                "apt-get install docker.io failed ({status})"
            )))
        }
    }
}

/// What a charm module usually needs: `use charm_core::prelude::*;`.
///
/// ```
/// use charm_core::prelude::*;
///
/// // Everything a handler names is in scope: `Unit`, `Result`, `Error`, `Port`, ...
/// fn open(unit: &mut Unit, port: u16) -> Result<()> {
///     unit.ports().open(Port::Tcp(port));
///     unit.status().set(StatusKind::Active, format!("on {port}"))
/// }
/// ```
pub mod prelude {
    pub use crate::interfaces::{Http, Postgres, Redis};
    #[cfg(feature = "docker")]
    pub use crate::{Converged, DockerUnit};
    pub use crate::{
        DynFlag, Endpoint, Error, Flag, LogLevel, Port, Result, StatusKind, Unit, action, clears,
        hook, only_once, sets, when, when_all, when_any, when_file_changed, when_none, when_not,
        when_not_all,
    };
    pub use crate::{JujuVersion, Resource, SecretContent, SecretId, SecretLabel, StorageName};
}

/// Paths the macros' generated code uses. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::config::{ConfigMap, ConfigValue, TypedConfig};
    pub use crate::const_check::{Message, layers_declare, layers_set, unknown_layer_flag};
    pub use crate::const_check::{interface_flag_error, interface_key_error};
    use crate::endpoint::str_eq;
    pub use crate::endpoint::{
        EndpointName, Interface, InterfaceDef, JUJU_RELATION_KEYS, RoleSpec,
    };
    pub use crate::error::{Error, Result};
    pub use crate::facets::LeaderKey;
    pub use crate::facets::action::{ActionParams, action_field, action_params};
    pub use crate::flag::{Flag, FlagPattern};
    pub use crate::registry::{
        Charm, Cond, ConfigOptionDef, EndpointDef, HandlerDef, Layer, OptionType, Role, TriggerDef,
        TriggerWhen,
    };
    pub use crate::secrets::SecretId;
    pub use crate::storage::StorageName;
    pub use crate::unit::Unit;
    pub use askama;
    pub use serde_json::Value as JsonValue;
    /// A JSON object (action parameters).
    pub type JsonMap = serde_json::Map<String, JsonValue>;

    /// Reads endpoint `name` as interface `I` for an injected handler parameter.
    pub fn endpoint<I: Interface>(unit: &mut Unit, name: &str) -> Result<I> {
        unit.interface_named::<I>(name)
    }

    /// Builds a typed config from this hook's values.
    pub fn config<C: TypedConfig>(unit: &Unit) -> Result<C> {
        C::from_map(unit.config_map())
    }

    /// Builds a typed config from the previous hook's values.
    pub fn previous_config<C: TypedConfig>(unit: &Unit) -> Option<C> {
        unit.previous_config_map().and_then(|m| C::from_map(m).ok())
    }

    /// Reads one option for a generated `Config` struct.
    pub fn config_field<T: ConfigValue>(map: &ConfigMap, key: &str) -> Result<T> {
        T::from_config(key, map.get(key))
    }

    /// Whether `flags` contains `flag` (const, for checks against other crates' layers).
    pub const fn contains(flags: &[&str], flag: &str) -> bool {
        let mut i = 0;
        while i < flags.len() {
            if str_eq(flags[i], flag) {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Whether two optional lists of names are equal (const).
    pub const fn same_keys(a: Option<&[&str]>, b: Option<&[&str]>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => same_names(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// Whether two lists of names are equal (const, for checks of the macros' built-in tables).
    pub const fn same_names(a: &[&str], b: &[&str]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if !str_eq(a[i], b[i]) {
                return false;
            }
            i += 1;
        }
        true
    }
}

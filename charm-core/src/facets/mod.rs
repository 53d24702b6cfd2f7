//! The facets of the hook context: one concept, one type, reached from [`Unit`] in one way.
//!
//! A handler receives `unit: &mut Unit`; everything it does goes through a facet that
//! `Unit` hands out, as ops has `Unit`, `App`, `Relation`:
//!
//! | concept | accessor | type |
//! |---|---|---|
//! | flags | `unit.flags()` | [`Flags`] |
//! | the unit's workload status | `unit.status()` | [`WorkloadStatus`] |
//! | the application (name, its status) | `unit.app()` | [`App`] |
//! | opened ports | `unit.ports()` | [`Ports`] |
//! | an endpoint and its interface | `unit.endpoint(endpoints::X)` | [`EndpointRef`] |
//! | the charm's stored data | `unit.kv()` | [`Kv`] |
//! | Juju's debug log | `unit.log()` | [`Log`] |
//! | facts of the running hook | `unit.hook()` | [`HookInfo`] |
//! | leadership | `unit.leader()` | [`Leader`] |
//! | the running action | `unit.action()` | [`Action`] |
//! | secrets | `unit.secrets()` | [`Secrets`] |
//! | storage of metadata.yaml | `unit.storage()` | [`Storage`] |
//! | resources of metadata.yaml | `unit.resources()` | [`Resources`] |
//! | the goal state, the Juju version, the cloud, the workload version | `unit.goal_state()`, `unit.juju_version()`, `unit.credentials()`, `unit.set_workload_version(..)` | [`GoalState`](crate::GoalState), [`JujuVersion`](crate::JujuVersion), [`CloudSpec`](crate::CloudSpec) |
//!
//! `unit.config()` (generated from config.yaml), `unit.name()`, `unit.charm_dir()`,
//! `unit.charm_path(..)` and `unit.juju()` (the raw hook tools) stay on [`Unit`].
//!
//! A facet borrows the unit for as long as it is used: `unit.flags().set(flags::X)` is one
//! statement; reads that return a reference (`unit.flags().value(..)`) consume the facet,
//! so the reference lives as long as the borrow of `unit`.
//!
//! Adding a facet: a module here with its type (holding `&'u mut Unit`, or `&'u Unit` when
//! it only reads), one accessor in an `impl Unit` block of that module, a row in the table
//! above, a re-export below.
//!
//! [`Unit`]: crate::Unit
//!
//! ```
//! #[charm_core::charm(
//!     metadata = "tests/fixtures/doc/app/metadata.yaml",
//!     config = "tests/fixtures/doc/app/config.yaml",
//!     flags("app.started"),
//! )]
//! mod app {
//!     use charm_core::prelude::*;
//!
//!     #[when_not("app.started")]
//!     fn start(unit: &mut Unit) -> Result<()> {
//!         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
//!         unit.ports().open(Port::Tcp(port)); // the Ports facet
//!         unit.log().info(format!("listening on {port}")); // Log
//!         unit.flags().set(flags::APP_STARTED); // Flags
//!         unit.status().active("Ready") // WorkloadStatus
//!     }
//! }
//! ```

pub(crate) mod action;
mod app;
mod endpoint;
mod flags;
mod hook;
mod kv;
pub(crate) mod leader;
mod log;
mod model;
pub(crate) mod pending;
mod ports;
mod resources;
mod secrets;
mod status;
mod storage;

pub use action::{Action, ActionResults};
pub use app::App;
pub use endpoint::{EndpointRef, ServesHttp};
pub use flags::Flags;
pub use hook::HookInfo;
pub use kv::Kv;
pub use leader::{Leader, LeaderKey};
pub use log::Log;
pub use ports::Ports;
pub use resources::Resources;
pub use secrets::Secrets;
pub use status::WorkloadStatus;
pub use storage::Storage;

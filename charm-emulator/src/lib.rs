//! # charm-emulator: the test double of the Juju unit agent
//!
//! A charm talks to Juju only through how it is started, its environment variables, and the
//! hook-tool executables on its `PATH` (`config-get`, `relation-set`, `status-set`, ...). This
//! crate emulates Juju's side of that contract for ONE unit, so a charm binary can be tested as
//! a black box and deployed locally with no Juju controller. A real Juju deployment drives the
//! very same contract; nothing a charm does needs to know which one it talks to.
//!
//! ## What is emulated
//! - **Starting hooks** ([`Runner`]): the charm directory as working directory, the contract's
//!   environment (`JUJU_CONTEXT_ID`, `JUJU_DISPATCH_PATH`, relation and action variables, ...),
//!   `dispatch` for every hook or else `hooks/<name>`, a missing hook as a no-op, a missing
//!   action as a failed action, exit 0 committing the hook and anything else putting the unit in
//!   error (`hook failed: "<hook>"`).
//! - **Every hook tool of the contract** ([`Emulator::call`], one implementation shared by the
//!   in-process API and the `charm-emulator` binary acting through tool symlinks), with Juju's
//!   flags (`--format=json|yaml|smart`, `-r`, `--app`, ...), outputs and error messages (usage
//!   errors exit 2, refusals exit 1, both with `ERROR ...` on stderr).
//! - **The transactional rules**: `relation-set`, `open-port`/`close-port` and
//!   `state-set`/`state-delete` are buffered per hook context and committed only when the hook
//!   exits 0; `status-set`, `leader-set`, `juju-log`, `application-version-set` and the
//!   `action-*` tools take effect at once. Reads see the hook's own buffered relation and state
//!   writes, as in Juju; `opened-ports` shows committed ports only.
//! - **The sequences Juju runs** when the world changes ([`Runner::relate`],
//!   [`Runner::unrelate`], [`Runner::configure`], [`Runner::set_leader`], [`Runner::deploy`]).
//! - **A record of everything**: every tool call (tool, arguments, context, exit code), the
//!   debug log, status history, hook runs, action runs.
//!
//! ## What is not
//! No controller, no other units' agents (remote units are data the test sets), no real
//! networking: `unit-get` and `network-get` answer loopback addresses (127.0.0.1) by default, so
//! local deployments stay on this machine. Secrets, storage, resources, `goal-state` and
//! `credential-get` are emulated for this unit ([`Contract`]): other applications' secrets
//! and the goal state are data a test sets. Not emulated: payloads, metrics,
//! Kubernetes tools, per-endpoint port records (`--endpoints` is checked, not kept), `-o FILE` output,
//! port-conflict checks between units, and hook retries (a failed hook simply leaves the unit in
//! error until the next successful hook).
//!
//! ## The model directory
//! ```text
//! DIR/
//!   model.json       the unit's current world (see [`Model`]) and the open hook contexts
//!                    with their buffered writes; JSON, written atomically (temp file,
//!                    rename) and only when its bytes change
//!   relations.json   the relations and their application and local bags, read only by
//!                    relation tools
//!   relations/ID/    one file per remote unit (its bag, whether it is departing), read
//!                    only by a call that names the unit (or lists them all)
//!   history/*.jsonl  append-only records: tool calls, logs, hooks, status and action history
//!   bin/             one symlink per hook tool -> the charm-emulator binary
//!   .lock            serialises the runner and tool processes
//! ```
//! A tool call never reads the records, so its cost does not grow with the model's history
//! ([`ModelDir::load`] reads everything, for tests and the CLI).
//! A hook's tool calls find the directory through `CHARM_EMULATOR_MODEL` and their context
//! through `JUJU_CONTEXT_ID`.
//!
//! ## In-process use
//! ```
//! use charm_emulator::{Emulator, Hook, Model};
//!
//! let mut model = Model::new("web/0").unwrap();
//! model.leader = true;
//! let db = model.add_relation("db", "postgresql").unwrap();
//! let mut emu = Emulator::new(model);
//!
//! let ctx = emu.open_context(Hook::new("db-relation-created").with_relation(db)).unwrap();
//! assert_eq!(ctx.env["JUJU_RELATION_ID"], "db:0");
//! let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
//! let out = emu.call(&ctx.id, "relation-set", &args(&["database=web"]), b"");
//! assert!(out.success(), "{}", out.stderr_text());
//! let out = emu.call(&ctx.id, "status-set", &args(&["waiting", "for db"]), b"");
//! assert!(out.success());
//! emu.finish(&ctx.id, false).unwrap(); // the hook failed: relation data dropped
//!
//! let rel = &emu.model().relations[&db];
//! assert!(!rel.local_unit_data.contains_key("database"));
//! assert_eq!(emu.model().unit_status.status, "error");
//! assert_eq!(emu.model().unit_status_history[0].message, "for db"); // status-set stayed
//! ```

mod actions;
mod charm;
mod context;
mod contract;
mod emulator;
mod error;
mod ids;
mod model;
mod runner;
mod runner_contract;
mod store;
mod time;
mod tools;

pub use actions::validate_action_params;
pub use charm::CharmInfo;
pub use context::{
    BagWrites, ContextId, Hook, HookContext, HookKind, OpenContext, Pending, PortChange,
    RelationEvent, RelationWrites,
};
pub use contract::{
    Contract, ContractPending, Grant, HookSubject, ResourceDef, SECRET_HOOKS, Secret, SecretOwner,
    StorageDef, StorageInstance, secret_id,
};
pub use emulator::{Emulator, Finished};
pub use error::{Error, Result};
pub use model::{
    ActionRun, ActionSpec, ActionStatus, Addresses, Bag, BindAddress, ConfigOption, ConfigType,
    Endpoint, HookRecord, InterfaceAddress, JsonMap, LOOPBACK, LogRecord, LogSource, MODEL_FORMAT,
    Model, Network, NetworkInfo, PortRange, Protocol, Proxies, Relation, RemoteUnit, Role, Status,
    ToolCall, default_unit_relation_data,
};
pub use runner::{DataOwner, HookOutcome, RemoteUnitSpec, Runner};
pub use store::{BIN_DIR, InitOptions, MODEL_ENV, MODEL_FILE, ModelDir};
pub use tools::{RESTRICTED_HOOKS, ToolOutput, tool_names};

/// Whether a tool call reads standard input (`--file -`), so the binary reads stdin only then
/// and never blocks on a terminal otherwise.
///
/// ```
/// let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert!(charm_emulator::reads_stdin(&args(&["-r", "db:0", "--file", "-"])));
/// assert!(charm_emulator::reads_stdin(&args(&["--file=-"])));
/// assert!(!charm_emulator::reads_stdin(&args(&["a=-"])));
/// ```
pub fn reads_stdin(args: &[String]) -> bool {
    args.iter().any(|a| a == "--file=-") || args.windows(2).any(|w| w[0] == "--file" && w[1] == "-")
}

//! The rest of Juju's contract a machine charm uses, reached from the handler's
//! [`Unit`](crate::Unit): `unit.secrets()`, `unit.storage()`, `unit.resources()`,
//! `unit.goal_state()`, `unit.juju_version()`, `unit.credentials()`,
//! `unit.set_workload_version(..)` (the facets are in [`crate::facets`]); the types they
//! give are here.
//!
//! What a hook's environment says about them (JUJU_SECRET_*, JUJU_STORAGE_*, JUJU_VERSION;
//! juju/juju `internal/worker/uniter/runner/context/context.go` `HookVars`) is read once,
//! at hook start.
//!
//! ```
//! fn report(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
//!     let goal = unit.goal_state()?;
//!     let version = unit.juju_version()?;
//!     unit.log().info(format!("{} units expected, Juju {version}", goal.expected_units()));
//!     unit.set_workload_version("7.2.4")
//! }
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use crate::secrets::{HookSecret, SecretId};
use crate::storage::{StorageInstance, StorageKind};

/// What the hook's environment says about secrets, storage and the Juju version.
#[doc(hidden)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractEnv {
    /// In secret hooks.
    pub secret: Option<HookSecret>,
    /// In storage hooks.
    pub storage: Option<StorageInstance>,
    /// `JUJU_VERSION`, as given.
    pub juju_version: Option<String>,
}

impl ContractEnv {
    pub(crate) fn from_lookup(var: &impl Fn(&str) -> Option<String>) -> Self {
        let secret = var("JUJU_SECRET_ID")
            .and_then(|id| SecretId::parse(&id).ok())
            .map(|id| HookSecret {
                id,
                label: var("JUJU_SECRET_LABEL"),
                revision: var("JUJU_SECRET_REVISION").and_then(|r| r.parse().ok()),
            });
        let storage = var("JUJU_STORAGE_ID").map(|id| StorageInstance {
            id,
            kind: match var("JUJU_STORAGE_KIND").as_deref() {
                Some("block") => StorageKind::Block,
                _ => StorageKind::Filesystem,
            },
            location: var("JUJU_STORAGE_LOCATION")
                .map(PathBuf::from)
                .unwrap_or_default(),
        });
        Self {
            secret,
            storage,
            juju_version: var("JUJU_VERSION"),
        }
    }
}

/// A resource of metadata.yaml, named in code as a constant:
/// `const PAYLOAD: Resource = Resource::new("payload");`.
///
/// ```
/// use charm_core::Resource;
/// const APP_IMAGE: Resource = Resource::new("app-image");
/// assert_eq!(APP_IMAGE.name(), "app-image");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resource(&'static str);

impl Resource {
    /// A resource by its metadata.yaml name.
    pub const fn new(name: &'static str) -> Self {
        Self(name)
    }

    /// The name.
    pub const fn name(&self) -> &'static str {
        self.0
    }
}

/// One unit's or application's goal (`goal-state`).
///
/// ```
/// let goal: charm_core::GoalStatus = serde_json::from_str(r#"{"status": "active", "since": "2025-01-01 06:06:06Z"}"#).unwrap();
/// assert_eq!(goal.status, "active");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoalStatus {
    /// `waiting`, `joining`, `joined`, `active`, `dying`, ...
    pub status: String,
    /// Since when (`2006-01-02 15:04:05Z`).
    #[serde(default)]
    pub since: Option<String>,
}

/// What the model is converging to: this application's units, and per endpoint the
/// related applications and units (`goal-state`, goal-state.go@12baae6d).
///
/// ```
/// let json = r#"{"units": {"app/0": {"status": "active"}, "app/1": {"status": "dying"}},
///                "relations": {"db": {"postgresql": {"status": "joined"}}}}"#;
/// let goal: charm_core::GoalState = serde_json::from_str(json).unwrap();
/// assert_eq!(goal.expected_units(), 1, "app/1 is going away");
/// assert_eq!(goal.relations["db"]["postgresql"].status, "joined");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GoalState {
    /// Units of this application, by name.
    #[serde(default)]
    pub units: BTreeMap<String, GoalStatus>,
    /// By endpoint: related applications and units, by name.
    #[serde(default)]
    pub relations: BTreeMap<String, BTreeMap<String, GoalStatus>>,
}

impl GoalState {
    /// How many units of this application are expected (not dying).
    pub fn expected_units(&self) -> usize {
        self.units.values().filter(|u| u.status != "dying").count()
    }
}

/// The model's cloud (`credential-get`), for trusted applications only. The credential's
/// attributes are secrets: `Debug` hides them.
///
/// ```
/// let json = r#"{"type": "openstack", "name": "mycloud", "credential": {"auth-type": "userpass", "attrs": {"password": "pw"}}}"#;
/// let cloud: charm_core::CloudSpec = serde_json::from_str(json).unwrap();
/// assert_eq!(cloud.kind, "openstack");
/// assert!(!format!("{cloud:?}").contains("pw"), "Debug hides the credential");
/// ```
#[derive(Clone, PartialEq, Deserialize)]
pub struct CloudSpec {
    /// The cloud type, e.g. `lxd`, `openstack`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The cloud's name.
    pub name: String,
    /// The region.
    #[serde(default)]
    pub region: Option<String>,
    /// The API endpoint.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The credential: `auth-type` and `attrs`.
    #[serde(default)]
    pub credential: Option<Value>,
}

impl std::fmt::Debug for CloudSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudSpec")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

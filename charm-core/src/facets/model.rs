//! What the model tells a unit beyond its own state: the goal state, the Juju version, the
//! cloud credential; and the workload version it reports. Each is one method of [`Unit`].

use crate::contract::{CloudSpec, GoalState};
use crate::error::{Error, Result};
use crate::unit::Unit;
use crate::version::JujuVersion;

impl Unit {
    /// What the model is converging to (`goal-state`, one call).
    pub fn goal_state(&mut self) -> Result<GoalState> {
        self.juju.goal_state()
    }

    /// The Juju version running the hook (`JUJU_VERSION`), comparable:
    /// `unit.juju_version()? >= JujuVersion::new(3, 1, 0)`.
    pub fn juju_version(&self) -> Result<JujuVersion> {
        let text = self
            .env
            .contract
            .juju_version
            .as_deref()
            .ok_or_else(|| Error::Environment("JUJU_VERSION is not set".to_owned()))?;
        text.parse()
    }

    /// The model's cloud spec (`credential-get`): Juju answers only an application the
    /// operator trusted (`juju trust`), else this is an error.
    pub fn credentials(&mut self) -> Result<CloudSpec> {
        self.juju.credential_get()
    }

    /// Sets the workload version shown by `juju status` (`application-version-set`).
    pub fn set_workload_version(&mut self, version: &str) -> Result<()> {
        self.juju.application_version_set(version)
    }
}

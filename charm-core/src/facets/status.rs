//! `unit.status()` and `unit.app().status()`: the workload status Juju shows.

use crate::Unit;
use crate::error::Result;
use crate::juju::{Status, StatusKind};

/// Sets the unit's (or, from [`App::status`](crate::facets::App::status), the application's)
/// workload status: `unit.status().active("Ready")?`.
///
/// `status-set` is sent only if the status differs from the one last set, so re-stating
/// "Ready to vote!" every hook costs nothing. It takes effect at once, as in Juju, not at
/// hook end.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("install")]
///     fn install(unit: &mut Unit) -> Result<()> {
///         unit.status().maintenance("installing")?;
///         // ...
///         unit.status().active("Ready")?;
///         assert_eq!(unit.status().current().map(|s| s.kind), Some(StatusKind::Active));
///         Ok(())
///     }
/// }
/// ```
pub struct WorkloadStatus<'u> {
    unit: &'u mut Unit,
    app: bool,
}

impl Unit {
    /// The unit's workload status.
    pub fn status(&mut self) -> WorkloadStatus<'_> {
        WorkloadStatus {
            unit: self,
            app: false,
        }
    }
}

impl<'u> WorkloadStatus<'u> {
    pub(crate) fn of_app(unit: &'u mut Unit) -> Self {
        Self { unit, app: true }
    }

    /// Sets the status. For the application, only the leader may: on another unit this
    /// does nothing.
    pub fn set(&mut self, kind: StatusKind, message: impl Into<String>) -> Result<()> {
        if self.app {
            if self.unit.leader_cached()? {
                self.unit
                    .set_status(crate::unit::KV_APP_STATUS, kind, message.into(), true)?;
            }
            return Ok(());
        }
        self.unit
            .set_status(crate::unit::KV_STATUS, kind, message.into(), false)
    }

    /// `active` with a message.
    pub fn active(&mut self, message: impl Into<String>) -> Result<()> {
        self.set(StatusKind::Active, message)
    }

    /// `maintenance` with a message.
    pub fn maintenance(&mut self, message: impl Into<String>) -> Result<()> {
        self.set(StatusKind::Maintenance, message)
    }

    /// `blocked` with a message.
    pub fn blocked(&mut self, message: impl Into<String>) -> Result<()> {
        self.set(StatusKind::Blocked, message)
    }

    /// `waiting` with a message.
    pub fn waiting(&mut self, message: impl Into<String>) -> Result<()> {
        self.set(StatusKind::Waiting, message)
    }

    /// The status this charm last set (on this unit, or for the application), if any.
    pub fn current(&self) -> Option<Status> {
        let slot = if self.app {
            crate::unit::KV_APP_STATUS
        } else {
            crate::unit::KV_STATUS
        };
        self.unit
            .status_memo
            .get(slot)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

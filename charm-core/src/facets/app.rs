//! `unit.app()`: the application this unit belongs to.

use crate::Unit;
use crate::facets::WorkloadStatus;

/// The application: its name and its status (set by the leader only).
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("leader-elected")]
///     fn lead(unit: &mut Unit) -> Result<()> {
///         let unit_name = unit.name().to_owned();
///         assert!(unit_name.starts_with(unit.app().name()), "app/0 is of app");
///         unit.app().status().active("serving")
///     }
/// }
/// ```
pub struct App<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The application facet.
    pub fn app(&mut self) -> App<'_> {
        App { unit: self }
    }
}

impl<'u> App<'u> {
    /// The application's name, e.g. `voting-app`.
    pub fn name(self) -> &'u str {
        self.unit.app_name()
    }

    /// The application's workload status. Only the leader sets it; on another unit the
    /// setters do nothing (Juju would refuse).
    pub fn status(self) -> WorkloadStatus<'u> {
        WorkloadStatus::of_app(self.unit)
    }
}

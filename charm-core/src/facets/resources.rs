//! The resources facet: `unit.resources()`.

use std::path::PathBuf;

use crate::contract::Resource;
use crate::error::Result;
use crate::unit::Unit;

impl Unit {
    /// Resources of metadata.yaml as local files (see [`Resources`]).
    pub fn resources(&mut self) -> Resources<'_> {
        Resources { unit: self }
    }
}

/// The resources facet: `unit.resources()`.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     const APP_IMAGE: Resource = Resource::new("app-image");
///
///     #[hook("{install,upgrade-charm}")]
///     fn load_image(unit: &mut Unit) -> Result<()> {
///         let tarball = unit.resources().path(APP_IMAGE)?; // resource-get app-image
///         unit.log().info(format!("image at {}", tarball.display()));
///         Ok(())
///     }
/// }
/// ```
pub struct Resources<'u> {
    unit: &'u mut Unit,
}

impl Resources<'_> {
    /// The local path of the resource's file (`resource-get`; Juju downloads it first).
    /// A resource with no file uploaded is an error naming it.
    pub fn path(&mut self, resource: Resource) -> Result<PathBuf> {
        self.unit.juju.resource_get(resource.name())
    }
}

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

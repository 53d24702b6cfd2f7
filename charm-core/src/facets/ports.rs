//! `unit.ports()`: the ports the unit opens.

use std::collections::BTreeSet;

use crate::Unit;
use crate::juju::Port;

/// The ports this unit wants open, sent to Juju at hook end (only the difference, only if
/// the hook succeeds): `unit.ports().set([Port::Tcp(80)])`.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("config-changed")]
///     fn reopen(unit: &mut Unit) -> Result<()> {
///         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
///         // Exactly this port: any other opened before is closed at hook end.
///         unit.ports().set([Port::Tcp(port)]);
///         assert!(unit.ports().opened().contains(&Port::Tcp(port)));
///         Ok(())
///     }
/// }
/// ```
pub struct Ports<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The ports facet.
    pub fn ports(&mut self) -> Ports<'_> {
        Ports { unit: self }
    }
}

impl<'u> Ports<'u> {
    /// Opens a port when the hook succeeds (`5000` means 5000/tcp).
    pub fn open(&mut self, port: impl Into<Port>) {
        self.unit.ports.insert(port.into());
    }

    /// Closes a port when the hook succeeds.
    pub fn close(&mut self, port: impl Into<Port>) {
        self.unit.ports.remove(&port.into());
    }

    /// Makes exactly `ports` the opened ones when the hook succeeds.
    pub fn set(&mut self, ports: impl IntoIterator<Item = Port>) {
        self.unit.ports = ports.into_iter().collect();
    }

    /// The ports this charm wants open (as of now in this hook).
    pub fn opened(self) -> &'u BTreeSet<Port> {
        &self.unit.ports
    }
}

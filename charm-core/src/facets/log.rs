//! `unit.log()`: Juju's debug log.

use crate::Unit;
use crate::juju::LogLevel;

/// Logs to Juju's debug log: `unit.log().info("started")`. Messages are batched and sent at
/// hook end (one `juju-log` per run of one level); those below the unit's level
/// (`CHARM_LOG_LEVEL`, default INFO) are dropped.
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
///         unit.log().info("installing");
///         let dir = unit.charm_dir().display().to_string();
///         unit.log().at(LogLevel::Debug, format!("charm dir {dir}"));
///         Ok(())
///     }
/// }
/// ```
pub struct Log<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The log facet.
    pub fn log(&mut self) -> Log<'_> {
        Log { unit: self }
    }
}

impl Log<'_> {
    /// Logs `message` at `level`.
    pub fn at(&mut self, level: LogLevel, message: impl Into<String>) {
        self.unit.push_log(level, message.into());
    }

    /// At DEBUG.
    pub fn debug(&mut self, message: impl Into<String>) {
        self.at(LogLevel::Debug, message);
    }

    /// At INFO.
    pub fn info(&mut self, message: impl Into<String>) {
        self.at(LogLevel::Info, message);
    }

    /// At WARNING.
    pub fn warning(&mut self, message: impl Into<String>) {
        self.at(LogLevel::Warning, message);
    }

    /// At ERROR.
    pub fn error(&mut self, message: impl Into<String>) {
        self.at(LogLevel::Error, message);
    }
}

//! `unit.flags()`: the reactive flags.

use serde_json::Value;

use crate::Unit;
use crate::flag::FlagName;

/// The flags of this hook: `unit.flags().set(flags::APP_RUNNING)`.
///
/// Flags take the typed constants `#[charm]` generates (`flags::X`) or a
/// [`DynFlag`](crate::DynFlag) made from a declared pattern, never a string.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     flags("app.installed", "app.running"),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when_not("app.installed")]
///     fn install(unit: &mut Unit) -> Result<()> {
///         unit.flags().set(flags::APP_INSTALLED);
///         Ok(())
///     }
///
///     #[when("app.installed")]
///     #[when_not("app.running")]
///     fn start(unit: &mut Unit) -> Result<()> {
///         unit.flags().set(flags::APP_RUNNING);
///         // Set flags are seen at once, by this handler and the next ones.
///         assert!(unit.flags().all_set([flags::APP_INSTALLED, flags::APP_RUNNING]));
///         Ok(())
///     }
/// }
/// ```
pub struct Flags<'u> {
    unit: &'u mut Unit,
}

impl Unit {
    /// The flags facet: set, clear, test flags.
    pub fn flags(&mut self) -> Flags<'_> {
        Flags { unit: self }
    }
}

impl<'u> Flags<'u> {
    /// Sets a flag. Setting a flag that was not set queues the handlers that watch it for the
    /// next iteration, and fires its triggers.
    pub fn set(&mut self, flag: impl FlagName) {
        self.unit.flags.set(flag.flag_name(), Value::Null);
    }

    /// Sets a flag with a value (replacing the value if it was set).
    pub fn set_value(&mut self, flag: impl FlagName, value: impl Into<Value>) {
        self.unit.flags.set(flag.flag_name(), value.into());
    }

    /// Clears a flag. Handlers still queued in this iteration are re-tested at once.
    pub fn clear(&mut self, flag: impl FlagName) {
        self.unit.flags.clear(flag.flag_name());
    }

    /// Sets the flag if `on`, clears it otherwise.
    pub fn toggle(&mut self, flag: impl FlagName, on: bool) {
        if on {
            self.set(flag);
        } else {
            self.clear(flag);
        }
    }

    /// Whether the flag is set.
    pub fn is_set(&self, flag: impl FlagName) -> bool {
        self.unit.flags.is_set(flag.flag_name())
    }

    /// Whether every flag is set: `unit.flags().all_set([flags::A, flags::B])`.
    pub fn all_set<F: FlagName>(&self, flags: impl IntoIterator<Item = F>) -> bool {
        flags.into_iter().all(|f| self.is_set(f))
    }

    /// Whether any flag is set.
    pub fn any_set<F: FlagName>(&self, flags: impl IntoIterator<Item = F>) -> bool {
        flags.into_iter().any(|f| self.is_set(f))
    }

    /// The value of a set flag (`Null` for flags set without one).
    pub fn value(self, flag: impl FlagName) -> Option<&'u Value> {
        self.unit.flags.value(flag.flag_name())
    }

    /// Every set flag's name, sorted (for logs and tests).
    pub fn names(&self) -> Vec<String> {
        self.unit.flags.set_names()
    }
}

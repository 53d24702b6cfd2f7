//! `unit.hook()`: facts of the running hook.

use crate::Unit;
use crate::hook::RelationContext;

/// What Juju says about the running hook: its name, its relation, the framework's settings.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("{install,upgrade-charm}")]
///     fn setup(unit: &mut Unit) -> Result<()> {
///         let upgrading = unit.hook().name() == "upgrade-charm";
///         assert!(unit.hook().relation().is_none(), "not a relation hook");
///         unit.status().maintenance(if upgrading { "upgrading" } else { "installing" })
///     }
/// }
/// ```
#[derive(Clone, Copy)]
pub struct HookInfo<'u> {
    unit: &'u Unit,
}

impl Unit {
    /// The facts of this hook.
    pub fn hook(&self) -> HookInfo<'_> {
        HookInfo { unit: self }
    }
}

impl<'u> HookInfo<'u> {
    /// The hook being run, e.g. `config-changed` (`actions/<name>` for actions).
    pub fn name(self) -> &'u str {
        &self.unit.env.hook
    }

    /// The relation this hook is about, in relation hooks.
    pub fn relation(self) -> Option<&'u RelationContext> {
        self.unit.env.relation.as_ref()
    }

    /// A framework knob (`CHARM_TRACE`, `DOCKER_HOST`, ...): the hook's environment over
    /// the charm directory's `.charm-settings` ([`Settings`](crate::Settings)).
    pub fn setting(self, key: &str) -> Option<&'u str> {
        self.unit.env.settings.get(key)
    }
}

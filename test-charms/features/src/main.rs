//! The feature test charm: see README.md.

#[charm_core::charm(flags("features.installed", "features.dumped", "features.exploded"))]
mod features {
    use charm_core::prelude::*;

    #[when_not("features.installed")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::FEATURES_INSTALLED);
        unit.status().active("ready")?;
        Ok(())
    }

    // ANCHOR: action
    /// `juju run features/0 dump depth=2`: results nest by dotted key.
    #[action("dump")]
    fn dump(unit: &mut Unit, params: actions::Dump) -> Result<()> {
        unit.action()
            .log(format!("dumping at depth {}", params.depth))?;
        unit.action().set("dump.format", &params.format)?;
        unit.action().set("dump.depth", params.depth)?;
        if let Some(note) = &params.note {
            unit.action().set("note", note)?;
        }
        unit.flags().set(flags::FEATURES_DUMPED);
        Ok(())
    }

    /// `action-fail`: the action fails, the hook succeeds and its writes are kept.
    #[action("fail-me")]
    fn fail_me(unit: &mut Unit, params: actions::FailMe) -> Result<()> {
        unit.kv().set("last-failure", &params.reason)?;
        unit.action().fail(params.reason)
    }
    // ANCHOR_END: action

    /// An error fails the action with its message; its writes are rolled back.
    #[action("explode")]
    fn explode(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::FEATURES_EXPLODED);
        Err(Error::msg("boom: the disk is full"))
    }
}

fn main() -> std::process::ExitCode {
    features::CHARM.main()
}

#[cfg(test)]
mod harness_tests;

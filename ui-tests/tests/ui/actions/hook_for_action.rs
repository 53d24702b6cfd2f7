// An action's handler written as a hook.
#[charm_core::charm(metadata = "../../fixtures/actions/metadata.yaml")]
mod backup {
    use charm_core::prelude::*;

    #[hook("actions/restart")]
    fn restart(unit: &mut Unit) -> Result<()> {
        unit.action().log("restarting")
    }
}

fn main() {}

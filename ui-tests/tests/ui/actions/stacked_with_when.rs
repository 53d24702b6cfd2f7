// An action runs when the operator asks, not when flags say: no `#[when]` on it.
#[charm_core::charm(metadata = "../../fixtures/actions/metadata.yaml", flags("app.ready"))]
mod backup {
    use charm_core::prelude::*;

    #[action("restart")]
    #[when("app.ready")]
    fn restart(unit: &mut Unit) -> Result<()> {
        unit.action().log("restarting")
    }
}

fn main() {}

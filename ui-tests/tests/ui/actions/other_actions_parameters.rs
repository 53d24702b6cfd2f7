// A handler of one action taking another action's parameters.
#[charm_core::charm(metadata = "../../fixtures/actions/metadata.yaml")]
mod backup {
    use charm_core::prelude::*;

    #[action("dump-db")]
    fn dump(unit: &mut Unit, _params: actions::Restart) -> Result<()> {
        unit.action().set("done", "yes")
    }
}

fn main() {}

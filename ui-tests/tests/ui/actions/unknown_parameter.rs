// A parameter actions.yaml does not declare: rustc's own "no field", with its suggestion.
#[charm_core::charm(metadata = "../../fixtures/actions/metadata.yaml")]
mod backup {
    use charm_core::prelude::*;

    #[action("dump-db")]
    fn dump(unit: &mut Unit, params: actions::DumpDb) -> Result<()> {
        unit.action().set("depth", params.dpeth)
    }
}

fn main() {}

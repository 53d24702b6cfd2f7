// An action actions.yaml does not declare: the error names the nearest one.
#[charm_core::charm(metadata = "../../fixtures/actions/metadata.yaml")]
mod backup {
    use charm_core::prelude::*;

    #[action("dump-bd")]
    fn dump(unit: &mut Unit) -> Result<()> {
        unit.action().set("done", "yes")
    }
}

fn main() {}

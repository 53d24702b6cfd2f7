// A typo in a `const` that names a flag.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        super::helper(unit);
        Ok(())
    }
}

const RUNNING: charm_core::Flag = voting::flags::APP_RUNNIN;

fn helper(unit: &mut charm_core::Unit) {
    unit.flags().set(RUNNING);
}

fn main() {}

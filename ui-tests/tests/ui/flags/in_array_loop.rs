// A typo in an array of flags a loop goes over.
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

fn helper(unit: &mut charm_core::Unit) {
    for flag in [voting::flags::APP_RUNNING, voting::flags::REDIS_AVAILABEL] {
        unit.flags().clear(flag);
    }
}

fn main() {}

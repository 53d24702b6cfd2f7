// A typo in a closure.
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
    let stop = |unit: &mut charm_core::Unit| unit.flags().clear(voting::flags::APP_RUNING);
    stop(unit);
}

fn main() {}

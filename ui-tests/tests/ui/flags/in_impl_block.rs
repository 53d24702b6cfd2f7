// A typo in a method of an `impl` block outside the module.
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

struct Workload;

impl Workload {
    fn stop(unit: &mut charm_core::Unit) {
        unit.flags().clear(voting::flags::APP_RUNNNING);
    }
}

fn helper(unit: &mut charm_core::Unit) {
    Workload::stop(unit);
}

fn main() {}

// A typo in a module nested in the charm module.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        workload::up(unit);
        Ok(())
    }

    mod workload {
        use super::flags;

        pub fn up(unit: &mut charm_core::Unit) {
            unit.flags().set(flags::APP_RUNING);
        }
    }
}

fn main() {}

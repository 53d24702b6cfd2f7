// A typo in a `debug_assert!`.
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
    debug_assert!(!unit.flags().is_set(voting::flags::APP_RUNNNG));
}

fn main() {}

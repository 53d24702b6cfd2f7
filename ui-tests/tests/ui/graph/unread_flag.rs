// `app.stale` is set, but no condition reads it: dead state.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.stale"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        unit.flags().set(flags::APP_STALE);
        Ok(())
    }
}

fn main() {}

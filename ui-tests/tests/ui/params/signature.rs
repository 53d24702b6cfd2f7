// Handlers are plain, non-generic functions returning `Result<()>`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.running")]
    async fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")
    }

    #[when_not("app.running")]
    fn start(unit: &mut Unit) {
        unit.flags().set(flags::APP_RUNNING);
    }
}

fn main() {}

// `allow(...)` names the graph's checks.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
    allow(unused("app.running")),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

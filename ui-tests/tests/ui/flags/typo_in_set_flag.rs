// A typo in a flag set by a handler's body: caught in the body, not at run time.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.set_flag("app.runnig");
        Ok(())
    }
}

fn main() {}

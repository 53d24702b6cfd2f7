// An option config.yaml does not have, in a config flag.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("config.changed.vote_prot")]
    fn restart(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

// A typo in a helper function outside the `#[charm]` module: the typed constant is
// resolved by rustc wherever it is written, with its suggestion.
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
    unit.flags().set(voting::flags::APP_RUNING);
}

fn main() {}

// A flag written as a string: the flag methods take only typed names.
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
    unit.flags().set("app.running");
}

fn main() {}

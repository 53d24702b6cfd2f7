// A typo in typed config access: rustc's own error on the field, with the suggestion.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("config.changed.vote_port")]
    fn open(unit: &mut Unit) -> Result<()> {
        let port = unit.config()?.vote_prot;
        unit.ports().open(port as u16);
        Ok(())
    }
}

fn main() {}

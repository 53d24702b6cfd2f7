// One malformed option in config.yaml is one error: the other options stay typed and their
// flags stay known (no cascade).
#[charm_core::charm(
    metadata = "../../fixtures/bad-option/metadata.yaml",
    config = "../../fixtures/bad-option/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("config.changed.vote_port")]
    fn reopen(unit: &mut Unit) -> Result<()> {
        let port = u16::try_from(unit.config()?.vote_port).unwrap_or(80);
        unit.ports().set([Port::Tcp(port)]);
        Ok(())
    }
}

fn main() {}

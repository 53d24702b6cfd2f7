// http raises only `<endpoint>.available`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("voting.conected")]
    fn publish(unit: &mut Unit) -> Result<()> {
        unit.publish_http(endpoints::VOTING, 5000)
    }
}

fn main() {}

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
        unit.endpoint(endpoints::VOTING).publish_http(5000)
    }
}

fn main() {}

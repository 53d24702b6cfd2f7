// A flag pattern has one `*` and a fixed part.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.*.*", "*"),
)]
mod voting {}

fn main() {}

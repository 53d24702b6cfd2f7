// Two flags whose typed constants would be the same name.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app-running"),
)]
mod voting {}

fn main() {}

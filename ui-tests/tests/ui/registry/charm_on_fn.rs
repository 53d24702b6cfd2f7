// `#[charm]` reads the handlers of a module; on anything else it says so, at the item.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
fn voting() {}

fn main() {
    voting();
}

// A registered type must serve the interface it is registered for.
use charm_core::{Endpoint, Interface};

pub struct Echo;

#[charm_core::interface(name = "echo", provides(flags(ready)))]
impl Interface for Echo {
    fn from_endpoint(_: &Endpoint, _: &mut Vec<String>) -> Self {
        Echo
    }
}

#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    interfaces(mysql = crate::Echo),
)]
mod wiki {}

fn main() {}

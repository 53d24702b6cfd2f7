// An interface declaration's flags are names the framework can raise as `<endpoint>.<flag>`,
// and not the endpoint flags it raises itself.
use charm_core::{Endpoint, Interface};

pub struct Echo;

#[charm_core::interface(name = "echo", requires(flags(Ready, joined, "a..b"), keys("x=y")))]
impl Interface for Echo {
    fn from_endpoint(_: &Endpoint, _: &mut Vec<String>) -> Self {
        Echo
    }
}

fn main() {}

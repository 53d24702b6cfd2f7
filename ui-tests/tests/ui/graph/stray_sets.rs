// `#[sets]` outside a charm module: nothing reads it.
use charm_core::prelude::*;

#[sets("app.running")]
fn start(unit: &mut Unit) -> Result<()> {
    unit.status().active("running")
}

fn main() {}

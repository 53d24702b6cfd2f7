// `redis.available` is raised only while `redis.connected` is: this handler can never run.
#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    #[when_not("redis.connected")]
    fn lost(unit: &mut Unit) -> Result<()> {
        unit.status().waiting("redis went away")
    }
}

fn main() {}

// A key the remote side of the `redis` interface does not publish, in an
// `endpoint.<name>.changed.<key>` flag.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("endpoint.redis.changed.hots")]
    fn moved(unit: &mut Unit) -> Result<()> {
        unit.status().maintenance("redis moved")
    }
}

fn main() {}

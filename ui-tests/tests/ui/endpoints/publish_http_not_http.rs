// `publish_http` on an endpoint whose interface is not `http`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit) -> Result<()> {
        unit.publish_http(endpoints::REDIS, 5000)
    }
}

fn main() {}

// `publish_http` on an endpoint whose interface is not `http`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit) -> Result<()> {
        unit.endpoint(endpoints::REDIS).publish_http(5000)
    }
}

fn main() {}

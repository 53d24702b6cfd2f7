// An endpoint metadata.yaml does not declare, passed to the endpoint API.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit) -> Result<()> {
        let redis = unit.endpoint(endpoints::REDDIS).interface()?;
        unit.status().active(redis.host_list())
    }
}

fn main() {}

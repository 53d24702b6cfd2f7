// A parameter none of the handler's `#[when]` flags can supply.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.running")]
    fn report(unit: &mut Unit, redis: Redis) -> Result<()> {
        unit.status().active(redis.host_list())
    }
}

fn main() {}

// A handler's first parameter is the hook context.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(redis: Redis) -> Result<()> {
        let _ = redis;
        Ok(())
    }
}

fn main() {}

// A metadata.yaml that is not there: the error is on the path, and nothing cascades.
#[charm_core::charm(metadata = "../../fixtures/metadta.yaml", flags("app.running"))]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit, redis: Redis) -> Result<()> {
        let _ = redis;
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

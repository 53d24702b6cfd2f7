// The same mistake in code: there is no constant for a key the interface does not have.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit) -> Result<()> {
        if unit.flags().is_set(flags::ENDPOINT_REDIS_CHANGED_HOTS) {
            unit.status().maintenance("redis moved")?;
        }
        Ok(())
    }
}

fn main() {}

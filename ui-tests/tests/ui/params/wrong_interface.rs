// The endpoint `redis` speaks interface redis: its parameter must be `Redis`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit, db: Postgres) -> Result<()> {
        let _ = db;
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

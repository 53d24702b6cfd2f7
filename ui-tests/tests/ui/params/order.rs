// Endpoints are injected in the order the flags name them: redis first, then postgres.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available", "postgres.database.available")]
    fn connect(unit: &mut Unit, db: &Postgres, redis: &Redis) -> Result<()> {
        let _ = (db, redis);
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

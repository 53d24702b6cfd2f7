// Reading endpoint `redis` (interface `redis`) as PostgreSQL.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
)]
mod voting {
    use charm_core::prelude::*;

    #[when("redis.available")]
    fn connect(unit: &mut Unit) -> Result<()> {
        let db = unit.endpoint::<Postgres>(endpoints::REDIS).interface()?;
        let _ = db;
        Ok(())
    }
}

fn main() {}

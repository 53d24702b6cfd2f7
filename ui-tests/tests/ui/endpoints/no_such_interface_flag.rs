// pgsql raises `postgres.database.available`, not `postgres.available`.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("postgres.available")]
    fn connect(unit: &mut Unit, db: Postgres) -> Result<()> {
        let _ = db;
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }
}

fn main() {}

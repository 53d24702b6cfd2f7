// Endpoint `db` is read as the registered `Mysql`: another interface type does not compile,
// nor does another type that is merely named `Mysql`.
mod other {
    pub struct Mysql;
}

#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    interfaces(mysql = iface_mysql::Mysql),
)]
mod wiki {
    use charm_core::prelude::*;

    #[when("db.available")]
    fn as_redis(unit: &mut Unit, db: Redis) -> Result<()> {
        let _ = (unit, db);
        Ok(())
    }

    #[when("db.connected")]
    fn as_impostor(unit: &mut Unit, db: crate::other::Mysql) -> Result<()> {
        let _ = (unit, db);
        Ok(())
    }
}

fn main() {}

// The charm's own flag `db-available` and the interface flag `db.available` would both be
// `flags::DB_AVAILABLE`: an error naming both, not rustc's "defined multiple times".
#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    flags("db-available"),
    interfaces(mysql = iface_mysql::Mysql),
    allow(unread("db-available")),
)]
mod wiki {
    use charm_core::prelude::*;

    #[when("db.available")]
    fn configure(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::DB_AVAILABLE);
        Ok(())
    }
}

fn main() {}

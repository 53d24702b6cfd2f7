//! A charm whose `db` endpoint speaks `mysql`, an interface defined in another crate
//! (`iface-mysql`) and registered here; `cache` keeps the built-in `redis` registration.

// ANCHOR: charm
#[charm_core::charm(
    flags("wiki.configured"),
    interfaces(mysql = iface_mysql::Mysql),
)]
mod wiki {
    use charm_core::prelude::*;
    use iface_mysql::Mysql;

    /// Configures the wiki once the database is usable: `db.available` is a flag
    /// of the `Mysql` type's declaration, checked at compile time like a built-in's.
    #[when("db.available")]
    #[when_not("wiki.configured")]
    fn configure(unit: &mut Unit, db: &Mysql) -> Result<()> {
        let Some(database) = db.database() else {
            return Ok(());
        };
        let message = format!(
            "wiki on {}@{}:{}/{}",
            database.user, database.host, database.port, database.database
        );
        unit.status().active(&message)?;
        unit.flags().set(flags::WIKI_CONFIGURED);
        Ok(())
    }

    /// The server moved: configure again. `host` is a key the interface declares.
    #[when("endpoint.db.changed.host")]
    fn moved(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::WIKI_CONFIGURED);
        unit.flags().clear(flags::ENDPOINT_DB_CHANGED_HOST);
        Ok(())
    }

    #[when_not("db.available")]
    fn waiting(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::WIKI_CONFIGURED);
        unit.status().blocked("waiting for a mysql relation")?;
        Ok(())
    }
}
// ANCHOR_END: charm

#[cfg(test)]
mod harness_tests;

fn main() -> std::process::ExitCode {
    wiki::CHARM.main()
}

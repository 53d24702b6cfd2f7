// A registered type's flags are typed constants, as a built-in's are: `Mysql` declares
// `connected` and `available`, so `flags::DB_READY` does not exist, wherever it is named.
#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    interfaces(mysql = iface_mysql::Mysql),
)]
mod wiki {
    use charm_core::prelude::*;

    #[when("db.available")]
    fn configure(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::DB_READY);
        Ok(())
    }
}

fn main() {}

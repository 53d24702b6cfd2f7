// A name far from every flag of the interface: the error lists them.
#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    interfaces(mysql = iface_mysql::Mysql),
)]
mod wiki {
    use charm_core::prelude::*;

    #[when_not("db.ready-for-writes")]
    fn configure(unit: &mut Unit) -> Result<()> {
        let _ = unit;
        Ok(())
    }
}

fn main() {}

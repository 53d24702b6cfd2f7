// iface-mysql's `Mysql` raises `db.connected` and `db.available`: a typo is a compile error
// naming the flag, the endpoint, the interface, and the nearest flag.
#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    interfaces(mysql = iface_mysql::Mysql),
)]
mod wiki {
    use charm_core::prelude::*;

    #[when("db.availble")]
    fn configure(unit: &mut Unit) -> Result<()> {
        let _ = unit;
        Ok(())
    }
}

fn main() {}

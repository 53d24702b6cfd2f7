// The mysql server publishes `host`, not `hots`: `changed.<key>` is checked against the keys
// the interface type declares.
#[charm_core::charm(
    metadata = "../../fixtures/custom/metadata.yaml",
    interfaces(mysql = iface_mysql::Mysql),
)]
mod wiki {
    use charm_core::prelude::*;

    #[when("endpoint.db.changed.hots")]
    fn moved(unit: &mut Unit) -> Result<()> {
        let _ = unit;
        Ok(())
    }
}

fn main() {}

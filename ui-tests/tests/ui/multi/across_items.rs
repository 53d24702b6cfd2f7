// Mistakes in a layer, in a charm's arguments and handlers, and a stray handler: one
// compile reports them all, each on its own token.
#[charm_core::layer(flags("base.ready", "base.ready"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.redy")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::BASE_READY);
        Ok(())
    }
}

#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running"),
    layers(crate::base, crate::base),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("{install,upgrade-charm")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        Ok(())
    }

    #[when("app.running", "voting.available")]
    fn publish(unit: &mut Unit, voting: Redis) -> Result<()> {
        let _ = voting;
        unit.flags().set(flags::APP_RUNING);
        Ok(())
    }

    #[when_file_changed("/etc/app.conf")]
    fn reload(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_RUNNING);
        Ok(())
    }
}

#[charm_core::when("app.running")]
fn stray(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
    unit.status().active("ready")
}

fn main() {}

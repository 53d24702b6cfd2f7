// Three handlers in a ring, through a trigger: `a` sets `app.one`, whose trigger sets
// `app.two`; `b` waits for it and sets `app.three`; `c` clears `app.one` and `app.two`
// and `app.three`, and `a` runs again.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.one", "app.two", "app.three"),
    trigger(when = "app.one", set = "app.two"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.one")]
    fn a(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_ONE);
        Ok(())
    }

    #[when("app.two")]
    #[when_not("app.three")]
    fn b(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_THREE);
        Ok(())
    }

    #[when("app.three")]
    fn c(unit: &mut Unit) -> Result<()> {
        unit.flags().clear(flags::APP_ONE);
        unit.flags().clear(flags::APP_TWO);
        unit.flags().clear(flags::APP_THREE);
        Ok(())
    }
}

fn main() {}

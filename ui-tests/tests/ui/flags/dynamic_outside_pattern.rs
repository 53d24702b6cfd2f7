// A flag named at run time without a declared pattern: a `format!`ed name is no flag,
// and a pattern the charm does not declare does not exist (rustc names the declared one).
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.running", "app.worker.*"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        let name = unit.name().replace('/', "-");
        unit.flags().set(&format!("app.worker.{name}"));
        unit.flags().set(&flags::APP_WORKERS.with(&name)?);
        Ok(())
    }
}

fn main() {}

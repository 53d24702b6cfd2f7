// The only handler that sets `app.ready` waits for it: it never runs, so nothing sets it.
#[charm_core::charm(
    metadata = "../../fixtures/metadata.yaml",
    config = "../../fixtures/config.yaml",
    flags("app.ready"),
)]
mod voting {
    use charm_core::prelude::*;

    #[when("app.ready", "redis.available")]
    fn ready(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_READY);
        unit.status().active("ready")
    }
}

fn main() {}

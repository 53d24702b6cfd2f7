//! A small charm for black-box tests: a layer from another crate, a port from config,
//! a redis endpoint, and switches to fail or panic on purpose.

// ANCHOR: charm
#[charm_core::charm(
    flags("hello.ready", "hello.cache.used"),
    layers(greeter_layer::greeter)
)]
mod hello {
    use charm_core::prelude::*;

    #[when("greeter.greeted")]
    #[when_not("hello.ready")]
    fn ready(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")?;
        unit.flags().set(flags::HELLO_READY);
        Ok(())
    }

    #[when("config.changed.port")]
    fn open_port(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        if let Some(previous) = unit.previous_config() {
            unit.ports().close(previous.port as u16);
        }
        let port = u16::try_from(config.port)
            .map_err(|_| Error::msg(format!("port {} is out of range", config.port)))?;
        unit.ports().open(port);
        Ok(())
    }

    #[when_any("config.changed.fail", "config.changed.panic")]
    fn misbehave(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        if config.panic {
            panic!("asked to panic");
        }
        if config.fail {
            return Err(Error::msg("asked to fail"));
        }
        Ok(())
    }

    #[when("cache.available")]
    #[when_not("hello.cache.used")]
    fn use_cache(unit: &mut Unit, cache: Redis) -> Result<()> {
        unit.status()
            .active(format!("ready, cache at {}", cache.host_list()))?;
        unit.flags().set(flags::HELLO_CACHE_USED);
        Ok(())
    }

    #[when_not("cache.available")]
    #[when("hello.cache.used")]
    fn drop_cache(unit: &mut Unit) -> Result<()> {
        unit.status().active("ready")?;
        unit.flags().clear(flags::HELLO_CACHE_USED);
        Ok(())
    }
}
// ANCHOR_END: charm

// ANCHOR: main
fn main() -> std::process::ExitCode {
    hello::CHARM.main()
}
// ANCHOR_END: main

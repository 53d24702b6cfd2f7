//! The fault suite's charms (see `tests/`): `faulty`, killed at every point of its hooks,
//! and `faulty-docker`, run against engines that hang.
//!
//! `faulty` is written the reactive way, guarded by flags, so that after a kill the
//! framework, not the handler, has to converge what the last committed state says: its
//! handlers run only when the config or the remote data changed.

/// The file `faulty` renders, relative to the charm directory.
pub const APP_FILE: &str = "files/app.yml";

/// The rendering of [`APP_FILE`]: every value quoted by the YAML escaper.
#[charm_core::template(
    source = "greeting: {{ greeting }}\npassword: {{ password }}\nport: {{ port }}\necho: {{ echo }}\n",
    ext = "yml"
)]
pub struct AppFile<'a> {
    /// The `greeting` option.
    pub greeting: &'a str,
    /// The `password` option.
    pub password: &'a str,
    /// The `port` option.
    pub port: i64,
    /// The remote unit's `ask`.
    pub echo: &'a str,
}

/// The status of a unit that converged on `port`.
pub fn serving(port: u16) -> String {
    format!("serving on {port}")
}

#[charm_core::charm(flags("faulty.configured"))]
pub mod faulty {
    use charm_core::prelude::*;

    use super::{APP_FILE, AppFile};

    /// The remote `ask` of the site relation's first unit, as of this hook.
    fn asked(unit: &mut Unit) -> String {
        unit.endpoint(endpoints::SITE)
            .data()
            .and_then(|ep| ep.relations.first())
            .and_then(|rel| rel.units.values().next())
            .and_then(|bag| bag.get("ask").cloned())
            .unwrap_or_default()
    }

    fn render(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let echo = asked(unit);
        let file = AppFile {
            greeting: &config.greeting,
            password: &config.password,
            port: config.port,
            echo: &echo,
        };
        charm_core::render::write(unit, &file, APP_FILE)?;
        Ok(())
    }

    #[when("config.changed")]
    fn configure(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let Some(port) = u16::try_from(config.port).ok().filter(|p| *p != 0) else {
            unit.flags().clear(flags::FAULTY_CONFIGURED);
            return unit
                .status()
                .blocked(format!("port={} is not a TCP port", config.port));
        };
        unit.ports().set([Port::Tcp(port)]);
        unit.endpoint(endpoints::SITE)
            .publish("greeting", config.greeting.clone());
        unit.endpoint(endpoints::SITE)
            .publish("port", port.to_string());
        render(unit)?;
        unit.flags().set(flags::FAULTY_CONFIGURED);
        unit.status().active(super::serving(port))
    }

    /// Counts update-status hooks in the unit state: two hooks that both load the state and
    /// commit it would lose one count.
    #[hook("update-status")]
    fn count(unit: &mut Unit) -> Result<()> {
        let n: u64 = unit.kv().get("update-status.count").unwrap_or(0);
        unit.kv().set("update-status.count", n + 1)
    }

    #[when("endpoint.site.changed", "faulty.configured")]
    fn echo(unit: &mut Unit) -> Result<()> {
        let ask = asked(unit);
        let config = unit.config()?;
        unit.endpoint(endpoints::SITE)
            .publish("greeting", config.greeting.clone());
        unit.endpoint(endpoints::SITE)
            .publish("port", config.port.to_string());
        unit.endpoint(endpoints::SITE).publish("echo", ask);
        render(unit)?;
        unit.flags().clear(flags::ENDPOINT_SITE_CHANGED);
        Ok(())
    }
}

/// The Docker charm: `docker.available`, then one service of the configured image.
#[charm_core::charm(
    metadata = "docker/metadata.yaml",
    config = "docker/config.yaml",
    layers(charm_core::docker)
)]
pub mod faulty_docker {
    use charm_core::prelude::*;

    /// The compose file, relative to the charm directory.
    pub const FILE: &str = "files/app/docker-compose.yml";

    #[charm_core::template(source = "services:\n  app:\n    image: {{ image }}\n", ext = "yml")]
    struct Compose<'a> {
        image: &'a str,
    }

    // ANCHOR: converge
    #[when("docker.available")]
    fn converge(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let compose = Compose {
            image: &config.image,
        };
        let project = unit.app().name().to_owned();
        // A full disk, an engine that does not answer, a stalled pull, a port taken:
        // the unit's status already says which, and the hook succeeds, so the next
        // one retries.
        if let Converged::Blocked(_) =
            unit.compose_converge(&project, FILE, &compose, "Starting")?
        {
            return Ok(());
        }
        unit.status().active("running")
    }
    // ANCHOR_END: converge
}

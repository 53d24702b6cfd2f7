//! The voting-app charm of the layer-docker deep dive: Docker's five-service example voting
//! app (vote, redis, worker, db, result) as one compose project, whose redis and db
//! containers are replaced by related Redis and PostgreSQL applications.
//!
//! One handler converges: every hook with Docker available renders
//! `files/voting-app/docker-compose.yml` (mode 0600) from the typed config and whatever
//! relations are available, and when the rendered file differs from the one last brought up
//! (or the last `up` failed) brings the project up again, sets the opened ports to the
//! configured ones (closing the previous ones) and reports the status. Relations that depart
//! simply disappear from the next rendering: the charm falls back to its own container.

use charm_core::interfaces::PgCredentials;

/// The compose file, relative to the charm directory.
const COMPOSE_FILE: &str = "files/voting-app/docker-compose.yml";

/// The template's context: every value is quoted by `charm_core::render::Yaml`.
#[derive(askama::Template)]
#[template(path = "docker-compose.yml")]
struct Compose<'a> {
    config: &'a voting_app::Config,
    vote_port: u16,
    result_port: u16,
    /// External Redis hosts, comma-joined: replaces the redis container.
    redis_host: Option<String>,
    /// External PostgreSQL: replaces the db container.
    postgres: Option<&'a PgCredentials>,
}

/// A configured port as a TCP port, or the reason it is not one.
fn tcp_port(key: &str, value: i64) -> Result<u16, String> {
    u16::try_from(value)
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("{key}={value} is not a TCP port (1-65535)"))
}

#[charm_core::charm(flags("voting-app.running"), layers(charm_core::docker))]
mod voting_app {
    use charm_core::prelude::*;

    use super::{COMPOSE_FILE, Compose, tcp_port};

    /// Renders the compose file and, when it changed or is not up, converges the workload.
    #[when("docker.available")]
    fn converge(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let ports = tcp_port("vote_port", config.vote_port).and_then(|vote| {
            let result = tcp_port("result_port", config.result_port)?;
            match vote == result {
                true => Err(format!("vote_port and result_port are both {vote}")),
                false => Ok((vote, result)),
            }
        });
        let (vote_port, result_port) = match ports {
            Ok(ports) => ports,
            Err(reason) => {
                unit.clear_flag("voting-app.running");
                return unit.status_blocked(reason);
            }
        };
        let redis = match unit.is_flag_set("redis.available") {
            true => Some(unit.interface::<Redis>("redis")?),
            false => None,
        };
        let postgres = match unit.is_flag_set("postgres.database.available") {
            true => unit
                .interface::<Postgres>("postgres")?
                .credentials()
                .cloned(),
            false => None,
        };
        let compose = Compose {
            config: &config,
            vote_port,
            result_port,
            redis_host: redis.as_ref().map(Redis::host_list),
            postgres: postgres.as_ref(),
        };
        let rendered = charm_core::render::render(&compose)?;
        let changed = unit.data_changed("voting-app.compose", &rendered)?;
        if !changed && unit.is_flag_set("voting-app.running") {
            return Ok(());
        }
        unit.clear_flag("voting-app.running");
        let formation = match (&compose.redis_host, &compose.postgres) {
            (None, None) => "standalone",
            (Some(_), None) => "external Redis",
            (None, Some(_)) => "external PostgreSQL",
            (Some(_), Some(_)) => "external Redis and PostgreSQL",
        };
        unit.status_maintenance(format!("Configuring the {formation} formation"))?;
        charm_core::render::write(unit, &compose, COMPOSE_FILE)?;
        let project = unit.app_name().to_owned();
        match unit.compose_up(&project, COMPOSE_FILE) {
            Ok(_) => {}
            Err(Error::Docker(err)) => {
                unit.log(LogLevel::Error, format!("compose up {project}: {err}"));
                return unit.status_blocked(format!("Docker: {err}"));
            }
            Err(err) => return Err(err),
        }
        unit.set_ports([Port::Tcp(vote_port), Port::Tcp(result_port)]);
        unit.set_flag("voting-app.running");
        unit.status_active("Ready to vote!")
    }
}

fn main() -> std::process::ExitCode {
    voting_app::CHARM.main()
}

#[cfg(test)]
mod tests;

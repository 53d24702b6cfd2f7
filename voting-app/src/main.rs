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

// ANCHOR: context
/// The template's context: every value is quoted by `charm_core::render::Yaml`.
#[charm_core::template(path = "docker-compose.yml")]
struct Compose<'a> {
    config: &'a voting_app::Config,
    vote_port: u16,
    result_port: u16,
    /// External Redis hosts, comma-joined: replaces the redis container.
    redis_host: Option<String>,
    /// External PostgreSQL: replaces the db container.
    postgres: Option<&'a PgCredentials>,
}
// ANCHOR_END: context

// ANCHOR: ports
/// The configured ports, or why they cannot be used. Juju's `int` is an `i64`:
/// `u16::try_from`, never `as u16` (70000 would silently become 4464).
fn ports(config: &voting_app::Config) -> Result<(u16, u16), String> {
    let port = |key: &str, value: i64| {
        u16::try_from(value)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("{key}={value} is not a TCP port (1-65535)"))
    };
    let (vote, result) = (
        port("vote-port", config.vote_port)?,
        port("result-port", config.result_port)?,
    );
    if vote == result {
        return Err(format!("vote-port and result-port are both {vote}"));
    }
    Ok((vote, result))
}
// ANCHOR_END: ports

// ANCHOR: charm
#[charm_core::charm(flags("voting-app.running"), layers(charm_core::docker))]
mod voting_app {
    use charm_core::prelude::*;

    use super::{COMPOSE_FILE, Compose, ports};

    /// Renders the compose file from the config and the available relations, and converges
    /// the workload when that changed.
    #[when("docker.available")]
    fn converge(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let (vote_port, result_port) = match ports(&config) {
            Ok(ports) => ports,
            Err(reason) => {
                unit.clear_flag(flags::VOTING_APP_RUNNING);
                return unit.status_blocked(reason);
            }
        };
        // ANCHOR: relations
        let redis = match unit.is_flag_set(flags::REDIS_AVAILABLE) {
            true => Some(unit.interface(endpoints::REDIS)?.host_list()),
            false => None,
        };
        let postgres = match unit.is_flag_set(flags::POSTGRES_DATABASE_AVAILABLE) {
            true => unit.interface(endpoints::POSTGRES)?.credentials().cloned(),
            false => None,
        };
        // ANCHOR_END: relations
        let formation = match (&redis, &postgres) {
            (None, None) => "standalone",
            (Some(_), None) => "external Redis",
            (None, Some(_)) => "external PostgreSQL",
            (Some(_), Some(_)) => "external Redis and PostgreSQL",
        };
        let compose = Compose {
            config: &config,
            vote_port,
            result_port,
            redis_host: redis,
            postgres: postgres.as_ref(),
        };
        let activity = format!("Configuring the {formation} formation");
        let project = unit.app_name().to_owned();
        if let Converged::Blocked(_) =
            unit.compose_converge(&project, COMPOSE_FILE, &compose, &activity)?
        {
            unit.clear_flag(flags::VOTING_APP_RUNNING);
            return Ok(());
        }
        // Each of these is a no-op when nothing changed: no hook-tool call.
        unit.set_ports([Port::Tcp(vote_port), Port::Tcp(result_port)]);
        unit.publish_http(endpoints::VOTING, vote_port)?;
        unit.publish_http(endpoints::RESULTS, result_port)?;
        unit.set_flag(flags::VOTING_APP_RUNNING);
        unit.status_active("Ready to vote!")
    }
}
// ANCHOR_END: charm

fn main() -> std::process::ExitCode {
    voting_app::CHARM.main()
}

#[cfg(test)]
mod fake_docker_tests;
#[cfg(test)]
mod harness_tests;
#[cfg(test)]
mod scale_tests;
#[cfg(test)]
mod tests;

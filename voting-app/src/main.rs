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
    /// The built-in db container's password (the services' default `PG_PASS`).
    builtin_db_password: &'a str,
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
// ANCHOR: charm_head
// `voting-app.running` is read by no handler: it is the charm's state for operators
// and the tests to see, so the flag graph's dead-state check is opted out for it.
#[charm_core::charm(
    flags("voting-app.running"),
    layers(charm_core::docker),
    allow(unread("voting-app.running"))
)]
mod voting_app {
    use charm_core::prelude::*;
    // ANCHOR_END: charm_head

    use super::{COMPOSE_FILE, Compose, backup, ports, workload};

    // ANCHOR: converge
    /// Renders the compose file from the config and the available relations, and
    /// converges the workload when that changed.
    #[when("docker.available")]
    fn converge(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let (vote_port, result_port) = match ports(&config) {
            Ok(ports) => ports,
            Err(reason) => {
                unit.flags().clear(flags::VOTING_APP_RUNNING);
                return unit.status().blocked(reason);
            }
        };
        // ANCHOR: relations
        // ANCHOR: redis
        let redis = match unit.flags().is_set(flags::REDIS_AVAILABLE) {
            true => Some(workload::redis_host(
                unit.endpoint(endpoints::REDIS).interface()?.hosts(),
            )),
            false => None,
        };
        // ANCHOR_END: redis
        // ANCHOR: postgres
        let postgres = match unit.flags().is_set(flags::POSTGRES_DATABASE_AVAILABLE) {
            true => unit
                .endpoint(endpoints::POSTGRES)
                .interface()?
                .credentials()
                .cloned(),
            false => None,
        };
        // PG_HOST carries a port other than 5432 (the services read `host:port`).
        let pg_env = postgres.as_ref().map(workload::pg_env);
        // ANCHOR_END: postgres
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
            postgres: pg_env.as_ref(),
            builtin_db_password: workload::BUILTIN_DB_PASSWORD,
        };
        let activity = format!("Configuring the {formation} formation");
        let project = workload::project_name(unit.name());
        let external = (compose.redis_host.is_some(), compose.postgres.is_some());
        let expected = workload::services(external.0, external.1);
        // update-status: each service's container as found, before the hook's `up`
        // puts back what stopped.
        let before = match unit.hook().name() == "update-status" {
            true => Some(workload::check(unit, &project, &expected)?),
            false => None,
        };
        if let Converged::Blocked(_) =
            unit.compose_converge(&project, COMPOSE_FILE, &compose, &activity)?
        {
            unit.flags().clear(flags::VOTING_APP_RUNNING);
            return Ok(());
        }
        // ANCHOR: open_ports
        // Each of these is a no-op when nothing changed: no hook-tool call.
        unit.ports()
            .set([Port::Tcp(vote_port), Port::Tcp(result_port)]);
        unit.endpoint(endpoints::VOTING).publish_http(vote_port)?;
        unit.endpoint(endpoints::RESULTS)
            .publish_http(result_port)?;
        // ANCHOR_END: open_ports
        unit.flags().set(flags::VOTING_APP_RUNNING);
        let message = match before {
            None => Ok("Ready to vote!".to_owned()),
            Some(before) if before.is_empty() => workload::status_message(&[], &[]),
            Some(before) => {
                let after = workload::check(unit, &project, &expected)?;
                workload::status_message(&before, &after)
            }
        };
        match message {
            Ok(message) => unit.status().active(message),
            Err(degraded) => unit.status().blocked(degraded),
        }
    }
    // ANCHOR_END: converge

    // ANCHOR: actions
    /// `dump-db`: `pg_dump` of the database the app uses, to `path` or base64 in the
    /// results.
    #[action("dump-db")]
    fn dump_db(unit: &mut Unit, params: actions::DumpDb) -> Result<()> {
        let outcome = with_target(unit, |docker, target, _| {
            backup::dump_db(docker, target, params.path.as_deref())
        })?;
        report(unit, outcome)
    }

    /// `restore-db`: a dump (a file on the unit, or base64) into the database the app
    /// uses.
    #[action("restore-db")]
    fn restore_db(unit: &mut Unit, params: actions::RestoreDb) -> Result<()> {
        let outcome = with_target(unit, |docker, target, scratch| {
            let (path, dump) = (params.path.as_deref(), params.dump.as_deref());
            backup::restore_db(docker, target, path, dump, scratch)
        })?;
        report(unit, outcome)
    }
    // ANCHOR_END: actions

    /// Runs `f` against the database the workload uses now: the related PostgreSQL when one
    /// is available, else the project's own db container.
    fn with_target<T>(
        unit: &mut Unit,
        f: impl FnOnce(
            &dyn charm_core::DockerBackend,
            &backup::Target,
            &std::path::Path,
        ) -> std::result::Result<T, String>,
    ) -> Result<std::result::Result<T, String>> {
        let config = unit.config()?;
        let postgres = match unit.flags().is_set(flags::POSTGRES_DATABASE_AVAILABLE) {
            true => unit
                .endpoint(endpoints::POSTGRES)
                .interface()?
                .credentials()
                .cloned(),
            false => None,
        };
        let project = workload::project_name(unit.name());
        let database = match &postgres {
            Some(pg) => backup::Database::External(pg),
            None => backup::Database::Builtin { project: &project },
        };
        let target = backup::Target {
            image: &config.postgres_image,
            database,
        };
        let scratch = unit.charm_path("files/voting-app");
        Ok(match unit.docker() {
            Ok(docker) => f(&*docker, &target, &scratch),
            Err(err) => Err(format!("no Docker engine: {err}")),
        })
    }

    /// The results, or `action-fail` with the cause (the hook itself succeeds).
    fn report(
        unit: &mut Unit,
        outcome: std::result::Result<std::collections::BTreeMap<String, String>, String>,
    ) -> Result<()> {
        match outcome {
            Ok(results) => {
                for (key, value) in results {
                    unit.action().set(&key, value)?;
                }
                Ok(())
            }
            Err(cause) => unit.action().fail(cause),
        }
    }
}
// ANCHOR_END: charm

fn main() -> std::process::ExitCode {
    voting_app::CHARM.main()
}

// The dump-db / restore-db actions' work (the handlers below call it).
mod backup;
mod workload;

#[cfg(test)]
mod backup_tests;
#[cfg(test)]
mod fake_docker_tests;
#[cfg(test)]
mod harness_tests;
#[cfg(test)]
mod scale_tests;
#[cfg(test)]
mod tests;

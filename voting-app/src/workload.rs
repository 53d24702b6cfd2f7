//! The workload's shape beyond the compose file: its project name per unit, the built-in
//! database's credentials, and what `update-status` reports about each service's container.

use charm_core::docker::ContainerHealth;
use charm_core::interfaces::PgCredentials;

/// The built-in db container's role, password and database: the services' defaults for
/// `PG_USER` / `PG_PASS` / `PG_DB` (voting-app/services), so the seed's environment contract
/// holds with no PostgreSQL variable set. The db port is never published: only the project
/// network reaches it.
pub const BUILTIN_DB_USER: &str = "postgres";
/// See [`BUILTIN_DB_USER`].
pub const BUILTIN_DB_PASSWORD: &str = "postgres";
/// See [`BUILTIN_DB_USER`].
pub const BUILTIN_DB_NAME: &str = "postgres";

/// The compose project of unit `unit` (`app/N`): the application's name for unit 0 (so a
/// deployment keeps its containers across upgrades of this charm), `app-N` for the others,
/// so two units on one Docker engine (the emulator's scale-out) never share containers.
///
/// ```ignore
/// assert_eq!(project_name("voting-app/0"), "voting-app");
/// assert_eq!(project_name("voting-app/1"), "voting-app-1");
/// ```
pub fn project_name(unit: &str) -> String {
    match unit.rsplit_once('/') {
        Some((app, "0")) => app.to_owned(),
        Some((app, n)) => format!("{app}-{n}"),
        None => unit.to_owned(),
    }
}

/// The services of the project that are degraded, each with why: `vote (exited)`,
/// `result (unhealthy)`, `worker (restarted 3x)`, `db (missing)`, in the order of
/// `expected`.
pub fn degraded(expected: &[&str], health: &[ContainerHealth]) -> Vec<String> {
    expected
        .iter()
        .filter_map(|service| {
            let mine: Vec<_> = health.iter().filter(|c| c.service == *service).collect();
            if mine.is_empty() {
                return Some(format!("{service} (missing)"));
            }
            let why: Vec<String> = mine.iter().filter_map(|c| c.degraded()).collect();
            (!why.is_empty()).then(|| format!("{service} ({})", why.join("; ")))
        })
        .collect()
}

/// The degraded services of `project` right now ([`degraded`]). An engine that cannot say
/// (the test harness's double) counts as nothing degraded: the Docker layer reports an
/// engine that is gone.
pub fn check(
    unit: &mut charm_core::Unit,
    project: &str,
    expected: &[&str],
) -> charm_core::Result<Vec<String>> {
    use charm_core::DockerUnit;
    match unit.docker()?.health(project) {
        Ok(health) => Ok(degraded(expected, &health)),
        Err(err) => {
            unit.log()
                .warning(format!("cannot check the containers of {project}: {err}"));
            Ok(Vec::new())
        }
    }
}

// ANCHOR: redis_host
/// `REDIS_HOST` for the related servers: hosts joined with commas as the seed wants
/// them, each with `:port` when not Redis's 6379 (the services read `host:port`).
pub fn redis_host(hosts: &[charm_core::interfaces::RedisHost]) -> String {
    let with_port = |h: &charm_core::interfaces::RedisHost| match h.port {
        6379 => h.host.clone(),
        port => format!("{}:{port}", h.host),
    };
    hosts.iter().map(with_port).collect::<Vec<_>>().join(",")
}
// ANCHOR_END: redis_host

// ANCHOR: pg_env
/// The credentials as the template writes them: `PG_HOST` is `host:port` when the
/// port is not PostgreSQL's 5432.
pub fn pg_env(pg: &PgCredentials) -> PgCredentials {
    let mut pg = pg.clone();
    if pg.port != 5432 {
        pg.host = format!("{}:{}", pg.host, pg.port);
    }
    pg
}
// ANCHOR_END: pg_env

/// The services the rendering runs: the seed's five minus the replaced ones.
pub fn services(external_redis: bool, external_db: bool) -> Vec<&'static str> {
    let mut services = vec!["vote"];
    if !external_redis {
        services.push("redis");
    }
    services.push("worker");
    if !external_db {
        services.push("db");
    }
    services.push("result");
    services
}

/// The status message after an `update-status` check: what was degraded before the hook's
/// `up` repaired it, and what still is.
pub fn status_message(before: &[String], after: &[String]) -> Result<String, String> {
    if !after.is_empty() {
        return Err(format!("degraded: {}", after.join(", ")));
    }
    if before.is_empty() {
        Ok("Ready to vote!".to_owned())
    } else {
        Ok(format!("Ready to vote! Restarted: {}", before.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(service: &str, state: &str, health: Option<&str>) -> ContainerHealth {
        ContainerHealth {
            service: service.into(),
            container: format!("p-{service}-1"),
            state: state.into(),
            restarts: 0,
            health: health.map(str::to_owned),
        }
    }

    #[test]
    fn project_names() {
        assert_eq!(project_name("voting-app/0"), "voting-app");
        assert_eq!(project_name("voting-app/1"), "voting-app-1");
        assert_eq!(project_name("va/12"), "va-12");
    }

    #[test]
    fn degraded_services_are_named() {
        let expected = services(false, false);
        assert_eq!(expected, ["vote", "redis", "worker", "db", "result"]);
        let mut health = vec![
            c("vote", "exited", Some("unhealthy")),
            c("db", "running", Some("unhealthy")),
            c("redis", "running", None),
            c("worker", "running", None),
        ];
        health[3].restarts = 2;
        assert_eq!(
            degraded(&expected, &health),
            [
                "vote (exited)",
                "worker (restarted 2x)",
                "db (unhealthy)",
                "result (missing)"
            ]
        );
        assert_eq!(services(true, true), ["vote", "worker", "result"]);
        let fine: Vec<_> = ["vote", "worker", "result"]
            .iter()
            .map(|s| c(s, "running", Some("healthy")))
            .collect();
        assert!(degraded(&services(true, true), &fine).is_empty());
    }

    #[test]
    fn ports_other_than_the_defaults_travel_in_the_host() {
        let redis = |host: &str, port| charm_core::interfaces::RedisHost {
            unit: "redis/0".into(),
            host: host.into(),
            port,
            password: None,
        };
        assert_eq!(
            redis_host(&[redis("10.0.0.7", 6379), redis("10.0.0.8", 6380)]),
            "10.0.0.7,10.0.0.8:6380"
        );
        let pg = PgCredentials {
            unit: "postgresql/0".into(),
            host: "10.0.0.9".into(),
            port: 5432,
            user: "u".into(),
            password: "p".into(),
            database: "d".into(),
        };
        assert_eq!(pg_env(&pg).host, "10.0.0.9");
        let other = PgCredentials { port: 6432, ..pg };
        assert_eq!(pg_env(&other).host, "10.0.0.9:6432");
    }

    #[test]
    fn status_messages() {
        assert_eq!(status_message(&[], &[]), Ok("Ready to vote!".to_owned()));
        let vote = vec!["vote (exited)".to_owned()];
        assert_eq!(
            status_message(&vote, &[]),
            Ok("Ready to vote! Restarted: vote (exited)".to_owned())
        );
        assert_eq!(
            status_message(&vote, &vote),
            Err("degraded: vote (exited)".to_owned())
        );
    }
}

//! A reverse-proxy charm written with this framework: haproxy (in a container, on the host's
//! network) with one frontend per `http` relation, `voting` and `results`, balancing across
//! every related unit's published `hostname:port` (the seed's homework: "Properly load
//! balancing from the front end to the middle-ware layer").
//!
//! One handler converges on every hook with Docker available: it renders haproxy.cfg from
//! the config and the relations, and a compose file whose label carries the configuration's
//! hash, so a changed server list recreates the container.

mod haproxy;

const COMPOSE_FILE: &str = "files/http-proxy/docker-compose.yml";
const HAPROXY_CFG: &str = "files/http-proxy/haproxy.cfg";

/// The compose file's context (values quoted by `charm_core::render::Yaml`).
#[charm_core::template(path = "docker-compose.yml")]
struct Compose<'a> {
    image: &'a str,
    config_hash: String,
}

/// The two frontend ports, or why they cannot be used.
fn ports(config: &http_proxy::Config) -> Result<(u16, u16), String> {
    let port = |key: &str, value: i64| {
        u16::try_from(value)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("{key}={value} is not a TCP port (1-65535)"))
    };
    let vote = port("vote-port", config.vote_port)?;
    let results = port("results-port", config.results_port)?;
    if vote == results {
        return Err(format!("vote-port and results-port are both {vote}"));
    }
    Ok((vote, results))
}

// `http-proxy.running` is read by no handler: it is the charm's state for operators and tests.
#[charm_core::charm(
    flags("http-proxy.running"),
    layers(charm_core::docker),
    allow(unread("http-proxy.running"))
)]
mod http_proxy {
    use charm_core::prelude::*;

    use super::{COMPOSE_FILE, Compose, HAPROXY_CFG, haproxy, ports};

    /// Renders haproxy.cfg and the compose file, and converges the container.
    #[when("docker.available")]
    fn converge(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let (vote_port, results_port) = match ports(&config) {
            Ok(ports) => ports,
            Err(reason) => {
                unit.flags().clear(flags::HTTP_PROXY_RUNNING);
                return unit.status().blocked(reason);
            }
        };
        let bind: std::net::IpAddr = match config.bind_address.parse() {
            Ok(address) => address,
            Err(_) => {
                unit.flags().clear(flags::HTTP_PROXY_RUNNING);
                let reason = format!(
                    "bind-address={:?} is not an IP address",
                    config.bind_address
                );
                return unit.status().blocked(reason);
            }
        };
        // ANCHOR: servers
        let voting = unit
            .endpoint(endpoints::VOTING)
            .interface()?
            .servers()
            .to_vec();
        let results = unit
            .endpoint(endpoints::RESULTS)
            .interface()?
            .servers()
            .to_vec();
        let cfg = haproxy::config(
            &bind.to_string(),
            &[
                haproxy::Frontend {
                    name: "voting",
                    port: vote_port,
                    servers: &voting,
                },
                haproxy::Frontend {
                    name: "results",
                    port: results_port,
                    servers: &results,
                },
            ],
        );
        // ANCHOR_END: servers
        let path = unit.charm_path(HAPROXY_CFG);
        if std::fs::read(&path).ok().as_deref() != Some(cfg.as_bytes()) {
            charm_core::write_atomically(&path, cfg.as_bytes(), 0o644)?;
        }
        let compose = Compose {
            image: &config.haproxy_image,
            config_hash: super::config_hash(&cfg),
        };
        let project = unit.app().name().to_owned();
        let activity = "Configuring haproxy";
        if let Converged::Blocked(_) =
            unit.compose_converge(&project, COMPOSE_FILE, &compose, activity)?
        {
            unit.flags().clear(flags::HTTP_PROXY_RUNNING);
            return Ok(());
        }
        unit.ports()
            .set([Port::Tcp(vote_port), Port::Tcp(results_port)]);
        unit.flags().set(flags::HTTP_PROXY_RUNNING);
        match (voting.len(), results.len()) {
            (0, 0) => unit
                .status()
                .waiting("no voting or results servers related yet"),
            (v, r) => unit
                .status()
                .active(format!("balancing {v} voting and {r} results servers")),
        }
    }
}

/// The hash the compose file's label carries: a changed haproxy.cfg recreates the container.
fn config_hash(cfg: &str) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    sha2::Sha256::digest(cfg.as_bytes())
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn main() -> std::process::ExitCode {
    http_proxy::CHARM.main()
}

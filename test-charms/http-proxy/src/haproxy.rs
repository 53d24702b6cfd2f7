//! haproxy.cfg for the related servers: one frontend and one round-robin backend per
//! relation, every server health-checked so a stopped one is taken out within seconds.
//!
//! Written by hand rather than through a template: every value is typed (an address that
//! passed the interface's host check, a `u16`), and names are derived, so nothing a remote
//! unit publishes can add a line.

use std::fmt::Write as _;

use charm_core::interfaces::HttpServer;

/// One frontend: where it listens and the servers it balances.
#[derive(Debug, Clone, Copy)]
pub struct Frontend<'a> {
    /// `voting` or `results`: the relation, and the frontend's and backend's name.
    pub name: &'a str,
    /// The frontend's port.
    pub port: u16,
    /// The related units' servers.
    pub servers: &'a [HttpServer],
}

/// The whole configuration.
pub fn config(bind: &str, frontends: &[Frontend]) -> String {
    let mut cfg = String::from(
        "# Rendered by the http-proxy charm: edits are overwritten by the next hook.\n\
         global\n    log stdout format raw local0\n\n\
         defaults\n    mode http\n    log global\n    option httplog\n    option redispatch\n    retries 2\n\
         \x20   timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n\n",
    );
    for f in frontends {
        let _ = write!(
            cfg,
            "frontend {name}\n    bind {bind}:{port}\n    default_backend {name}-servers\n\n\
             backend {name}-servers\n    balance roundrobin\n    option httpchk GET /\n\
             \x20   default-server inter 1s fall 2 rise 1\n",
            name = f.name,
            bind = host_for_bind(bind),
            port = f.port,
        );
        for s in f.servers {
            let _ = writeln!(
                cfg,
                "    server {} {}:{} check",
                server_name(&s.unit),
                host_for_bind(&s.host),
                s.port
            );
        }
        cfg.push('\n');
    }
    cfg
}

/// A unit name as a server name: `voting-app/1` is `voting-app-1`.
fn server_name(unit: &str) -> String {
    unit.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// An IPv6 address in brackets, as haproxy's `host:port` wants it.
fn host_for_bind(host: &str) -> String {
    match host.contains(':') {
        true => format!("[{host}]"),
        false => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_related_unit_is_a_checked_server() {
        let server = |unit: &str, host: &str, port| HttpServer {
            unit: unit.into(),
            host: host.into(),
            port,
        };
        let voting = [
            server("va/0", "127.0.0.1", 5000),
            server("va/1", "fd00::1", 5100),
        ];
        let cfg = config(
            "127.0.0.1",
            &[
                Frontend {
                    name: "voting",
                    port: 8000,
                    servers: &voting,
                },
                Frontend {
                    name: "results",
                    port: 8001,
                    servers: &[],
                },
            ],
        );
        assert!(
            cfg.contains("frontend voting\n    bind 127.0.0.1:8000\n"),
            "{cfg}"
        );
        assert!(
            cfg.contains("    server va-0 127.0.0.1:5000 check\n"),
            "{cfg}"
        );
        assert!(
            cfg.contains("    server va-1 [fd00::1]:5100 check\n"),
            "{cfg}"
        );
        assert!(
            cfg.contains("frontend results\n    bind 127.0.0.1:8001\n"),
            "{cfg}"
        );
        assert_eq!(cfg.matches("    server ").count(), 2);
    }
}

//! Published ports: `"5000:80"`, `"127.0.0.1:9229:9229"`, `["6379"]` (container port only:
//! the engine picks an ephemeral host port), an unquoted int, ranges (`"8000-8001:80-81"`),
//! a `/udp` suffix, or the long form `{target, published, host_ip, protocol}`.

use std::fmt;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// One published port.
///
/// ```
/// use charm_docker::{Port, Protocol};
/// let ports = Port::parse("127.0.0.1:9229:9229").unwrap();
/// assert_eq!(ports, [Port {
///     host_ip: Some("127.0.0.1".into()),
///     host_port: Some(9229),
///     host_port_end: None,
///     container_port: 9229,
///     protocol: Protocol::Tcp,
/// }]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Port {
    /// Host address to bind; `None` means the engine's default (`dockerd --ip`).
    pub host_ip: Option<String>,
    /// Host port; `None` lets the engine choose an ephemeral one.
    pub host_port: Option<u16>,
    /// With `host_port`, a range of host ports the engine picks one from
    /// (`"6005-6015:80"`): its last port.
    pub host_port_end: Option<u16>,
    /// Port inside the container.
    pub container_port: u16,
    /// Transport protocol.
    pub protocol: Protocol,
}

/// The transport protocol of a [`Port`].
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: coredns
///     ports: ["53:53/udp", "8080:80"]
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// use charm_docker::Protocol;
/// assert_eq!(web.ports[0].protocol, Protocol::Udp);
/// assert_eq!(web.ports[1].protocol, Protocol::Tcp, "the default");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP (the default).
    #[default]
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// The engine's spelling: `tcp`, `udp` or `sctp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }

    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "tcp" => Ok(Protocol::Tcp),
            "udp" => Ok(Protocol::Udp),
            "sctp" => Ok(Protocol::Sctp),
            other => Err(format!(
                "unknown protocol {other:?} (expected tcp, udp or sctp)"
            )),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Port {
    /// Parses one short-syntax entry; a range yields one `Port` per port.
    pub fn parse(spec: &str) -> Result<Vec<Port>, String> {
        let bad = |why: String| format!("invalid port {spec:?}: {why}");
        let (addr, protocol) = match spec.rsplit_once('/') {
            Some((addr, proto)) => (addr, Protocol::parse(proto).map_err(bad)?),
            None => (spec, Protocol::Tcp),
        };
        let (rest, container) = match addr.rsplit_once(':') {
            Some((rest, container)) => (Some(rest), container),
            None => (None, addr),
        };
        let (host_ip, host) = match rest {
            None => (None, None),
            Some(rest) => match rest.rsplit_once(':') {
                Some((ip, host)) => {
                    let ip = match ip.strip_prefix('[').and_then(|ip| ip.strip_suffix(']')) {
                        Some(v6) => v6,
                        // An IPv6 address must be bracketed, else its colons are ambiguous.
                        None if ip.contains(':') => {
                            return Err(bad("too many ':' (bracket an IPv6 address)".into()));
                        }
                        None => ip,
                    };
                    if ip.is_empty() {
                        return Err(bad("empty host address".into()));
                    }
                    (Some(ip.to_owned()), Some(host))
                }
                None => (None, Some(rest)),
            },
        };
        let containers = range(container).map_err(|e| bad(format!("container port {e}")))?;
        let hosts = match host {
            None | Some("") => None,
            Some(host) => Some(range(host).map_err(|e| bad(format!("host port {e}")))?),
        };
        // A host range for one container port: the engine binds one free port of it.
        if let Some(hosts) = hosts
            && containers.0 == containers.1
            && hosts.0 != hosts.1
        {
            return Ok(vec![Port {
                host_ip,
                host_port: Some(hosts.0),
                host_port_end: Some(hosts.1),
                container_port: containers.0,
                protocol,
            }]);
        }
        if let Some(hosts) = hosts
            && hosts.1 - hosts.0 != containers.1 - containers.0
        {
            return Err(bad("host and container ranges differ in length".into()));
        }
        Ok((containers.0..=containers.1)
            .enumerate()
            .map(|(i, container_port)| Port {
                host_ip: host_ip.clone(),
                // `i` is within the range checked above, so the addition stays in u16.
                host_port: hosts.map(|h| h.0.saturating_add(i as u16)),
                host_port_end: None,
                container_port,
                protocol,
            })
            .collect())
    }
}

/// `80` or `8000-8010`, as an inclusive range of non-zero ports.
fn range(text: &str) -> Result<(u16, u16), String> {
    let number = |t: &str| match t.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{t:?} is not a port number (1-65535)")),
        Ok(n) => Ok(n),
    };
    match text.split_once('-') {
        Some((lo, hi)) => {
            let (lo, hi) = (number(lo)?, number(hi)?);
            if lo > hi {
                return Err(format!("range {text:?} is reversed"));
            }
            Ok((lo, hi))
        }
        None => number(text).map(|n| (n, n)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongPort {
    target: u16,
    #[serde(default)]
    published: Option<crate::file::de::Scalar>,
    #[serde(default)]
    host_ip: Option<String>,
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // accepted for compatibility; "ingress" has no meaning without swarm
    mode: Option<String>,
}

/// `deserialize_with` for `ports:`.
pub(crate) fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Port>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<Port>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of ports")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<Port>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Port>, A::Error> {
            let mut out = Vec::new();
            while let Some(Entry(ports)) = seq.next_element()? {
                out.extend(ports);
            }
            Ok(out)
        }
    }

    d.deserialize_any(ListVisitor)
}

struct Entry(Vec<Port>);

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;

        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = Entry;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port such as \"5000:80\", 6379 or {target: 80, published: 5000}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Entry, E> {
                Port::parse(v).map(Entry).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Entry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Entry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
                let long = LongPort::deserialize(MapAccessDeserializer::new(map))?;
                let protocol = match long.protocol.as_deref() {
                    Some(p) => Protocol::parse(p).map_err(de::Error::custom)?,
                    None => Protocol::Tcp,
                };
                // A published range keeps all of it: the engine binds one free port of it.
                let (host_port, host_port_end) = match long.published.and_then(|s| s.0) {
                    None => (None, None),
                    Some(p) => match range(&p).map_err(de::Error::custom)? {
                        (lo, hi) if lo == hi => (Some(lo), None),
                        (lo, hi) => (Some(lo), Some(hi)),
                    },
                };
                if long.target == 0 {
                    return Err(de::Error::custom("target port 0 is not a port number"));
                }
                Ok(Entry(vec![Port {
                    host_ip: long.host_ip,
                    host_port,
                    host_port_end,
                    container_port: long.target,
                    protocol,
                }]))
            }
        }

        d.deserialize_any(EntryVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(ip: Option<&str>, host: Option<u16>, container: u16) -> Port {
        Port {
            host_ip: ip.map(str::to_owned),
            host_port: host,
            host_port_end: None,
            container_port: container,
            protocol: Protocol::Tcp,
        }
    }

    #[test]
    fn short_forms() {
        assert_eq!(Port::parse("6379").unwrap(), [port(None, None, 6379)]);
        assert_eq!(
            Port::parse("5000:80").unwrap(),
            [port(None, Some(5000), 80)]
        );
        assert_eq!(
            Port::parse("127.0.0.1:9229:9229").unwrap(),
            [port(Some("127.0.0.1"), Some(9229), 9229)]
        );
        assert_eq!(
            Port::parse("127.0.0.1::80").unwrap(),
            [port(Some("127.0.0.1"), None, 80)]
        );
        assert_eq!(
            Port::parse("[::1]:80:80").unwrap(),
            [port(Some("::1"), Some(80), 80)]
        );
        assert_eq!(Port::parse("53:53/udp").unwrap()[0].protocol, Protocol::Udp);
        assert_eq!(
            Port::parse("8000-8001:80-81").unwrap(),
            [port(None, Some(8000), 80), port(None, Some(8001), 81)]
        );
    }

    #[test]
    fn host_ranges_for_one_container_port() {
        let ranged = Port::parse("127.0.0.1:6005-6015:80").unwrap();
        assert_eq!(
            ranged,
            [Port {
                host_port_end: Some(6015),
                ..port(Some("127.0.0.1"), Some(6005), 80)
            }]
        );
        assert_eq!(Port::parse("6005-6015:6005-6015").unwrap().len(), 11);
        let f = crate::ComposeFile::from_str(
            "services: {a: {image: x, ports: [{target: 80, published: \"7000-7002\"}]}}",
        )
        .unwrap();
        let p = &f.service("a").unwrap().ports[0];
        assert_eq!((p.host_port, p.host_port_end), (Some(7000), Some(7002)));
    }

    #[test]
    fn bad_forms() {
        for bad in [
            "", "x", "0", "70000", "5000:", "a:80", "80/tcpx", "1-3:4-5", "9-1", ":80:80",
            "1:2:3:4",
        ] {
            assert!(Port::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}

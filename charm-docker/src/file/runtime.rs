//! The container's runtime options a service may set beyond its process: `extra_hosts`,
//! `tmpfs`, `ulimits`, `devices`, and the byte sizes and CPU shares of the top-level
//! resource keys (`mem_limit`, `memswap_limit`, `shm_size`).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::de::Scalar;
use super::extra::parse_bytes;

/// One `extra_hosts:` entry: a name the container resolves to `ip` (an `/etc/hosts` line).
///
/// ```
/// let f = charm_docker::ComposeFile::from_str(
///     "services: {a: {image: x, extra_hosts: [\"db.local=10.0.0.5\", \"gw:host-gateway\"]}}",
/// ).unwrap();
/// let hosts = &f.service("a").unwrap().extra_hosts;
/// assert_eq!((hosts[0].host.as_str(), hosts[0].ip.as_str()), ("db.local", "10.0.0.5"));
/// assert_eq!(hosts[1].ip, "host-gateway");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraHost {
    /// The host name.
    pub host: String,
    /// Its address (or `host-gateway`, which the engine replaces by the host's).
    pub ip: String,
}

impl ExtraHost {
    /// Parses `HOST=IP` (the specification's form) or `HOST:IP` (the older one, split at
    /// the first `:` so that an IPv6 address keeps its colons).
    pub fn parse(text: &str) -> Result<ExtraHost, String> {
        let (host, ip) = text
            .split_once('=')
            .or_else(|| text.split_once(':'))
            .ok_or_else(|| format!("invalid extra host {text:?} (expected HOST=IP or HOST:IP)"))?;
        ExtraHost::new(host, ip).ok_or_else(|| format!("invalid extra host {text:?}"))
    }

    fn new(host: &str, ip: &str) -> Option<ExtraHost> {
        let (host, ip) = (host.trim(), ip.trim());
        (!host.is_empty() && !ip.is_empty()).then(|| ExtraHost {
            host: host.to_owned(),
            // `[::1]` is written bracketed in the specification's examples.
            ip: ip.trim_start_matches('[').trim_end_matches(']').to_owned(),
        })
    }

    /// The engine's `HOST:IP` form.
    pub fn engine_form(&self) -> String {
        format!("{}:{}", self.host, self.ip)
    }
}

/// `extra_hosts:` as a list of `HOST=IP`/`HOST:IP`, or a map `HOST: IP` (or `HOST: [IP...]`).
pub(crate) fn extra_hosts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ExtraHost>, D::Error> {
    struct V;

    impl<'de> Visitor<'de> for V {
        type Value = Vec<ExtraHost>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of HOST=IP entries or a map of HOST: IP")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            super::de::string_list(seq)?
                .iter()
                .map(|e| ExtraHost::parse(e).map_err(de::Error::custom))
                .collect()
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Ips {
                One(Scalar),
                Many(Vec<String>),
            }
            let mut out = Vec::new();
            while let Some((host, ips)) = map.next_entry::<String, Ips>()? {
                let ips = match ips {
                    Ips::One(Scalar(ip)) => vec![ip.unwrap_or_default()],
                    Ips::Many(ips) => ips,
                };
                for ip in ips {
                    out.push(ExtraHost::new(&host, &ip).ok_or_else(|| {
                        de::Error::custom(format!("invalid extra host {host:?}: {ip:?}"))
                    })?);
                }
            }
            Ok(out)
        }
    }

    d.deserialize_any(V)
}

/// `tmpfs:` (one path or a list; `PATH[:OPTIONS]`) as path -> mount options.
///
/// ```
/// let f = charm_docker::ComposeFile::from_str(
///     "services: {a: {image: x, tmpfs: [\"/run:size=64m,mode=1777\", /tmp]}}",
/// ).unwrap();
/// let tmpfs = &f.service("a").unwrap().tmpfs;
/// assert_eq!(tmpfs["/run"], "size=64m,mode=1777");
/// assert_eq!(tmpfs["/tmp"], "");
/// ```
pub(crate) fn tmpfs<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    // Parsed inside the visitor, so that serde_yaml names this key and line in errors.
    struct V;

    fn add<E: de::Error>(out: &mut BTreeMap<String, String>, entry: &str) -> Result<(), E> {
        let (path, options) = entry.split_once(':').unwrap_or((entry, ""));
        if !path.starts_with('/') {
            return Err(E::custom(format!(
                "tmpfs {entry:?}: the mount path must be absolute"
            )));
        }
        out.insert(path.to_owned(), options.to_owned());
        Ok(())
    }

    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a path or a list of PATH[:OPTIONS]")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let mut out = BTreeMap::new();
            add(&mut out, v)?;
            Ok(out)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            for entry in super::de::string_list(seq)? {
                add(&mut out, &entry)?;
            }
            Ok(out)
        }
    }

    d.deserialize_any(V)
}

/// One `ulimits:` entry: `nofile: 65535` (soft and hard alike) or `{soft, hard}`.
///
/// ```
/// let f = charm_docker::ComposeFile::from_str(
///     "services: {a: {image: x, ulimits: {nproc: \"65535\", nofile: {soft: 1024, hard: 2048}}}}",
/// ).unwrap();
/// let u = &f.service("a").unwrap().ulimits;
/// assert_eq!((u["nofile"].soft, u["nofile"].hard), (1024, 2048));
/// assert_eq!((u["nproc"].soft, u["nproc"].hard), (65535, 65535));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ulimit {
    /// The soft limit.
    pub soft: i64,
    /// The hard limit (at least the soft one).
    pub hard: i64,
}

impl<'de> Deserialize<'de> for Ulimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;

        impl<'de> Visitor<'de> for V {
            type Value = Ulimit;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ulimit: a number or {soft: N, hard: N}")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Ulimit, E> {
                Ok(Ulimit { soft: n, hard: n })
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Ulimit, E> {
                let n = i64::try_from(n).map_err(|_| E::custom("ulimit out of range"))?;
                Ok(Ulimit { soft: n, hard: n })
            }
            // `nproc: "512"`, as both Compose implementations cast it.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ulimit, E> {
                let n = v
                    .trim()
                    .parse()
                    .map_err(|_| E::custom(format!("invalid ulimit {v:?}: not a number")))?;
                self.visit_i64(n)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ulimit, A::Error> {
                let (mut soft, mut hard) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "soft" => soft = Some(map.next_value::<i64>()?),
                        "hard" => hard = Some(map.next_value::<i64>()?),
                        other => {
                            return Err(de::Error::unknown_field(other, &["soft", "hard"]));
                        }
                    }
                }
                let (Some(soft), Some(hard)) = (soft, hard) else {
                    return Err(de::Error::custom("a ulimit map needs both soft and hard"));
                };
                if soft > hard {
                    return Err(de::Error::custom(format!(
                        "ulimit soft limit {soft} is above its hard limit {hard}"
                    )));
                }
                Ok(Ulimit { soft, hard })
            }
        }

        d.deserialize_any(V)
    }
}

/// One `devices:` entry, `HOST[:CONTAINER[:PERMISSIONS]]`.
///
/// ```
/// let f = charm_docker::ComposeFile::from_str(
///     "services: {a: {image: x, devices: [\"/dev/fuse\", \"/dev/null:/dev/nothing:r\"]}}",
/// ).unwrap();
/// let d = &f.service("a").unwrap().devices;
/// assert_eq!((d[0].container.as_str(), d[0].permissions.as_str()), ("/dev/fuse", "rwm"));
/// assert_eq!((d[1].container.as_str(), d[1].permissions.as_str()), ("/dev/nothing", "r"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The device on the host.
    pub host: String,
    /// Where the container sees it (default: the same path).
    pub container: String,
    /// Cgroup permissions, of `r`, `w`, `m` (default `rwm`).
    pub permissions: String,
}

impl Device {
    /// Parses `HOST[:CONTAINER[:PERMISSIONS]]`.
    pub fn parse(text: &str) -> Result<Device, String> {
        let parts: Vec<&str> = text.split(':').collect();
        let (host, container, permissions) = match parts[..] {
            [h] => (h, h, "rwm"),
            [h, c] => (h, c, "rwm"),
            [h, c, p] => (h, c, p),
            _ => return Err(format!("invalid device {text:?}")),
        };
        let valid = |p: &str| p.starts_with('/');
        if !valid(host) || !valid(container) {
            return Err(format!(
                "invalid device {text:?} (expected HOST[:CONTAINER[:PERMISSIONS]], absolute paths)"
            ));
        }
        if permissions.is_empty() || !permissions.chars().all(|c| matches!(c, 'r' | 'w' | 'm')) {
            return Err(format!(
                "invalid device {text:?}: permissions are of r, w and m"
            ));
        }
        Ok(Device {
            host: host.to_owned(),
            container: container.to_owned(),
            permissions: permissions.to_owned(),
        })
    }
}

pub(crate) fn devices<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Device>, D::Error> {
    struct V;

    impl<'de> Visitor<'de> for V {
        type Value = Vec<Device>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of HOST[:CONTAINER[:PERMISSIONS]]")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            super::de::string_list(seq)?
                .iter()
                .map(|e| Device::parse(e).map_err(de::Error::custom))
                .collect()
        }
    }

    d.deserialize_any(V)
}

/// A scalar (string or number) parsed by `parse` inside the visitor, so that serde_yaml
/// names the key and line of a bad value.
fn parsed<'de, D: Deserializer<'de>, T>(
    d: D,
    what: &'static str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, D::Error> {
    struct V<T> {
        what: &'static str,
        parse: fn(&str) -> Result<T, String>,
    }

    impl<'de, T> Visitor<'de> for V<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.what)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            (self.parse)(v).map(Some).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
    }

    d.deserialize_option(V { what, parse })
}

/// `shm_size`, `mem_limit`: a byte size (`64m`, `1g`, `67108864`).
pub(crate) fn size<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    parsed(d, "a size such as 64m or 1g", parse_bytes)
}

/// `memswap_limit`: a size, or `-1` for unlimited swap.
pub(crate) fn swap<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    parsed(d, "a size such as 1g, or -1", |text| match text.trim() {
        "-1" => Ok(-1),
        other => parse_bytes(other),
    })
}

/// `cpus`: a non-negative number of CPUs, fractional.
pub(crate) fn cpus<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    parsed(d, "a number of CPUs such as 0.5", |text| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|c| c.is_finite() && *c >= 0.0)
            .ok_or_else(|| format!("invalid cpus {text:?} (expected e.g. 0.5 or 2)"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ComposeFile;

    fn service(body: &str) -> Result<crate::Service, String> {
        ComposeFile::from_str(&format!("services:\n  a:\n    image: x\n{body}"))
            .map(|f| f.service("a").unwrap().clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn extra_hosts_in_every_form() {
        let s = service(
            "    extra_hosts: [\"a=1.2.3.4\", \"b:::1\", \"c=[::2]\", \" d : 5.6.7.8 \"]\n",
        )
        .unwrap();
        let pairs: Vec<String> = s.extra_hosts.iter().map(ExtraHost::engine_form).collect();
        assert_eq!(pairs, ["a:1.2.3.4", "b:::1", "c:::2", "d:5.6.7.8"]);
        let s = service("    extra_hosts: {a: 1.2.3.4, b: [\"::1\", 10.0.0.1]}\n").unwrap();
        let pairs: Vec<String> = s.extra_hosts.iter().map(ExtraHost::engine_form).collect();
        assert_eq!(pairs, ["a:1.2.3.4", "b:::1", "b:10.0.0.1"]);
        let err = service("    extra_hosts: [nohost]\n").unwrap_err();
        assert!(
            err.contains("line 4") && err.contains("\"nohost\""),
            "{err}"
        );
    }

    #[test]
    fn tmpfs_ulimits_devices_sizes() {
        let s = service(
            "    tmpfs: /run\n    ulimits: {nofile: {soft: 10, hard: 20}, core: 0}\n    devices: [\"/dev/a:/dev/b\"]\n    shm_size: 64m\n    mem_limit: 1g\n    memswap_limit: -1\n    cpus: 1.5\n    cpu_shares: 512\n",
        )
        .unwrap();
        assert_eq!(s.tmpfs, BTreeMap::from([("/run".into(), String::new())]));
        assert_eq!(s.ulimits["nofile"], Ulimit { soft: 10, hard: 20 });
        assert_eq!(s.ulimits["core"], Ulimit { soft: 0, hard: 0 });
        assert_eq!(s.devices[0].container, "/dev/b");
        assert_eq!(s.devices[0].permissions, "rwm");
        assert_eq!(s.shm_size, Some(64 << 20));
        assert_eq!(s.mem_limit, Some(1 << 30));
        assert_eq!(s.memswap_limit, Some(-1));
        assert_eq!(s.cpus, Some(1.5));
        assert_eq!(s.cpu_shares, Some(512));
    }

    #[test]
    fn bad_values_name_the_key_and_line() {
        for (body, line, words) in [
            ("    tmpfs: [run]\n", "line 4", "must be absolute"),
            (
                "    ulimits: {nofile: {soft: 3, hard: 2}}\n",
                "line 4",
                "above",
            ),
            ("    ulimits: {nofile: lots}\n", "line 4", "ulimit"),
            ("    devices: [\"dev/a\"]\n", "line 4", "invalid device"),
            (
                "    devices: [\"/dev/a:/dev/a:x\"]\n",
                "line 4",
                "permissions",
            ),
            ("    shm_size: big\n", "line 4", "invalid size"),
            ("    memswap_limit: -2\n", "line 4", "invalid size"),
            ("    privileged: maybe\n", "line 4", "privileged"),
        ] {
            let err = service(body).unwrap_err();
            assert!(
                err.contains(line) && err.contains(words) && err.contains("services.a"),
                "{body}: {err}"
            );
        }
    }
}

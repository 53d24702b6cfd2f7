//! Service volumes: a named volume (`data:/var/lib/x`), a bind mount (`./site:/www:ro`,
//! relative to the project's working directory), an anonymous volume (`/cache`), or the long
//! form `{type, source, target, read_only}`.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::refcheck;

/// One entry of a service's `volumes:`.
///
/// ```
/// use charm_docker::Mount;
/// let m = Mount::parse("./site:/www:ro").unwrap();
/// assert_eq!(m, Mount::Bind { source: "./site".into(), target: "/www".into(), read_only: true });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mount {
    /// A named volume declared under the top-level `volumes:`.
    Volume {
        /// The volume's key in the file.
        source: String,
        /// Path inside the container.
        target: String,
        /// Mounted read-only.
        read_only: bool,
    },
    /// A host path; a relative one is taken from the project's working directory.
    Bind {
        /// The host path as written.
        source: PathBuf,
        /// Path inside the container.
        target: String,
        /// Mounted read-only.
        read_only: bool,
    },
    /// A fresh anonymous volume at `target`.
    Anonymous {
        /// Path inside the container.
        target: String,
    },
}

impl Mount {
    /// Parses the short syntax `SOURCE:TARGET[:MODE]` or `TARGET`.
    pub fn parse(spec: &str) -> Result<Mount, String> {
        let bad = |why: &str| format!("invalid volume {spec:?}: {why}");
        let parts: Vec<&str> = spec.split(':').collect();
        let (source, target, mode) = match parts.as_slice() {
            [target] => {
                return absolute(target)
                    .map(|t| Mount::Anonymous { target: t })
                    .map_err(|e| bad(&e));
            }
            [source, target] => (*source, *target, ""),
            [source, target, mode] => (*source, *target, *mode),
            _ => return Err(bad("expected SOURCE:TARGET[:MODE]")),
        };
        let target = absolute(target).map_err(|e| bad(&e))?;
        let mut read_only = false;
        for option in mode.split(',').filter(|o| !o.is_empty()) {
            match option {
                "ro" => read_only = true,
                "rw" => read_only = false,
                // SELinux relabelling and propagation flags: accepted, passed through by the
                // engine's defaults.
                "z" | "Z" | "nocopy" => {}
                other => return Err(bad(&format!("unknown mode {other:?} (expected ro or rw)"))),
            }
        }
        Self::from_parts(spec, source, target, read_only, None)
    }

    fn from_parts(
        spec: &str,
        source: &str,
        target: String,
        read_only: bool,
        kind: Option<&str>,
    ) -> Result<Mount, String> {
        if source.is_empty() {
            return Err(format!("invalid volume {spec:?}: empty source"));
        }
        let looks_like_path = source.starts_with(['.', '/', '~']);
        match kind {
            Some("bind") => {}
            Some("volume") if looks_like_path => {
                return Err(format!(
                    "invalid volume {spec:?}: a named volume cannot be a path"
                ));
            }
            Some("volume") => {}
            Some(other) => {
                return Err(format!(
                    "unsupported volume type {other:?} (expected volume or bind)"
                ));
            }
            None => {}
        }
        if kind == Some("bind") || (kind.is_none() && looks_like_path) {
            Ok(Mount::Bind {
                source: PathBuf::from(source),
                target,
                read_only,
            })
        } else {
            refcheck::volume(source)?;
            Ok(Mount::Volume {
                source: source.to_owned(),
                target,
                read_only,
            })
        }
    }

    /// The path inside the container.
    pub fn target(&self) -> &str {
        match self {
            Mount::Volume { target, .. }
            | Mount::Bind { target, .. }
            | Mount::Anonymous { target } => target,
        }
    }
}

fn absolute(target: &str) -> Result<String, String> {
    if target.starts_with('/') {
        Ok(target.to_owned())
    } else {
        Err(format!("container path {target:?} is not absolute"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongMount {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    source: Option<String>,
    target: String,
    #[serde(default)]
    read_only: bool,
}

impl<'de> Deserialize<'de> for Mount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MountVisitor;

        impl<'de> Visitor<'de> for MountVisitor {
            type Value = Mount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a volume such as \"data:/var/lib/data\" or \"./site:/www:ro\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Mount, E> {
                Mount::parse(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Mount, A::Error> {
                let long = LongMount::deserialize(MapAccessDeserializer::new(map))?;
                let target = absolute(&long.target).map_err(de::Error::custom)?;
                match long.source {
                    None if long.kind == "volume" => Ok(Mount::Anonymous { target }),
                    None => Err(de::Error::custom(format!(
                        "a {} mount needs a source",
                        long.kind
                    ))),
                    Some(source) => Mount::from_parts(
                        &source,
                        &source,
                        target,
                        long.read_only,
                        Some(&long.kind),
                    )
                    .map_err(de::Error::custom),
                }
            }
        }

        d.deserialize_any(MountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms() {
        assert_eq!(
            Mount::parse("/cache").unwrap(),
            Mount::Anonymous {
                target: "/cache".into()
            }
        );
        assert_eq!(
            Mount::parse("db-data:/var/lib/postgresql/data").unwrap(),
            Mount::Volume {
                source: "db-data".into(),
                target: "/var/lib/postgresql/data".into(),
                read_only: false
            }
        );
        assert_eq!(
            Mount::parse("/etc/hosts:/etc/hosts:ro").unwrap(),
            Mount::Bind {
                source: "/etc/hosts".into(),
                target: "/etc/hosts".into(),
                read_only: true
            }
        );
    }

    #[test]
    fn bad_forms() {
        for bad in ["", "relative", "a:b", "a:/b:xx", "a:/b:ro:extra", ":/b"] {
            assert!(Mount::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}

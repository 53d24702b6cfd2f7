//! [`JujuVersion`]: `JUJU_VERSION` parsed so a charm can branch on it.
//!
//! The format is Juju's `version.Number` (`major.minor.patch[.build]`, or
//! `major.minor-tagpatch[.build]` for pre-releases such as `3.6-beta2`), compared as ops'
//! `JujuVersion` does: a pre-release sorts before the release it leads to.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A Juju version, comparable.
///
/// ```
/// use charm_core::JujuVersion;
/// let v: JujuVersion = "3.6.1".parse().unwrap();
/// assert!(v >= JujuVersion::new(3, 1, 0));
/// assert!("3.6-beta2".parse::<JujuVersion>().unwrap() < "3.6.0".parse().unwrap());
/// assert!("2.9.42.1".parse::<JujuVersion>().unwrap() > "2.9.42".parse().unwrap());
/// assert!("three".parse::<JujuVersion>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JujuVersion {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Pre-release tag (`beta`, `rc`), empty for a release.
    pub tag: String,
    /// Patch (or the pre-release's number).
    pub patch: u32,
    /// Build.
    pub build: u32,
}

impl JujuVersion {
    /// A release version.
    pub fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            tag: String::new(),
            patch,
            build: 0,
        }
    }

    /// Whether Juju has secrets (3.0.2+, as ops' `has_secrets`).
    pub fn has_secrets(&self) -> bool {
        *self >= Self::new(3, 0, 2)
    }

    /// Whether `open-port --endpoints` and `opened-ports` exist (2.9+; ops checks 3.0.3 for
    /// `opened-ports` of Kubernetes charms).
    pub fn has_endpoint_ports(&self) -> bool {
        *self >= Self::new(2, 9, 0)
    }
}

impl FromStr for JujuVersion {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = || {
            Error::msg(format!(
                "invalid Juju version `{text}`: expected major.minor.patch[.build] or \
                 major.minor-tagpatch[.build]"
            ))
        };
        let number = |s: &str| -> Result<u32> {
            if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let (major, rest) = text.split_once('.').ok_or_else(bad)?;
        let major = number(major)?;
        let minor_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let minor = number(&rest[..minor_end])?;
        let mut rest = &rest[minor_end..];
        let mut tag = String::new();
        let mut patch = 0;
        if let Some(after) = rest.strip_prefix('-') {
            let tag_end = after
                .find(|c: char| !c.is_ascii_lowercase())
                .unwrap_or(after.len());
            if tag_end == 0 {
                return Err(bad());
            }
            tag = after[..tag_end].to_owned();
            let after = &after[tag_end..];
            let num_end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            patch = number(&after[..num_end])?;
            rest = &after[num_end..];
        } else if let Some(after) = rest.strip_prefix('.') {
            let num_end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            patch = number(&after[..num_end])?;
            rest = &after[num_end..];
        }
        let build = match rest.strip_prefix('.') {
            Some(b) => number(b)?,
            None if rest.is_empty() => 0,
            None => return Err(bad()),
        };
        Ok(Self {
            major,
            minor,
            tag,
            patch,
            build,
        })
    }
}

impl Ord for JujuVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor)
            .cmp(&(other.major, other.minor))
            // A tagged (pre-release) version comes before the untagged one.
            .then_with(|| match (self.tag.is_empty(), other.tag.is_empty()) {
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => self.tag.cmp(&other.tag),
            })
            .then(self.patch.cmp(&other.patch))
            .then(self.build.cmp(&other.build))
    }
}

impl PartialOrd for JujuVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for JujuVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.tag.is_empty() {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        } else {
            write!(
                f,
                "{}.{}-{}{}",
                self.major, self.minor, self.tag, self.patch
            )?;
        }
        if self.build > 0 {
            write!(f, ".{}", self.build)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_like_ops() {
        let v = |s: &str| s.parse::<JujuVersion>().unwrap();
        assert_eq!(v("3.6.0"), JujuVersion::new(3, 6, 0));
        assert_eq!(v("3.1"), JujuVersion::new(3, 1, 0));
        assert_eq!(v("2.9-rc1").tag, "rc");
        assert_eq!(v("2.9-rc1").to_string(), "2.9-rc1");
        assert_eq!(v("2.9.42.1").to_string(), "2.9.42.1");
        let mut list = [v("3.0.0"), v("2.9.42"), v("3.0-beta1"), v("3.0.0.1")];
        list.sort();
        let shown: Vec<String> = list.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["2.9.42", "3.0-beta1", "3.0.0", "3.0.0.1"]);
        for bad in ["", "3", "3.x", "3.1.", "3.1-1", "3.1.1.1.1", "-3.1.0"] {
            let err = bad.parse::<JujuVersion>().unwrap_err().to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
        assert!(v("3.1.7").has_secrets() && !v("2.9.44").has_secrets());
    }
}

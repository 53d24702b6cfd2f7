//! Secrets in relation data stay out of the unit state file.
//!
//! The framework keeps a snapshot of each endpoint's remote data in the unit state, a plain
//! file in the charm directory. A password (or a libpq string holding one) is stored there
//! only as a hash marker, so the snapshot still tells a changed value from an unchanged one;
//! an endpoint whose snapshot holds a marker is read again from Juju in every hook, so
//! handlers always see the real value.
//!
//! The same goes for config options with a secret's name (`password`, `*-password`, ...):
//! the previous config kept in the unit state holds their hash markers, which is what
//! `previous_config()` (and a restricted hook's config) then shows for them; whether they
//! changed is still told exactly.

use sha2::{Digest, Sha256};

use crate::endpoint::Endpoint;

const MARK: &str = "<redacted sha256:";

/// Keys whose values are secrets: never logged verbatim, never persisted.
pub(crate) fn is_secret_key(key: &str) -> bool {
    key == "password"
        || key.ends_with("_password")
        || key.ends_with("-password")
        || key == "master"
        || key == "standbys"
        || key == "uri"
}

pub(crate) fn marker(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{MARK}{hex}>")
}

/// `endpoint` with every secret value replaced by its hash marker.
pub(crate) fn redact(endpoint: &Endpoint) -> Endpoint {
    let mut out = endpoint.clone();
    for rel in &mut out.relations {
        for bag in rel
            .units
            .values_mut()
            .chain(std::iter::once(&mut rel.app_data))
        {
            for (key, value) in bag.iter_mut() {
                if is_secret_key(key) && !value.starts_with(MARK) {
                    *value = marker(value);
                }
            }
        }
    }
    out
}

/// Whether a stored snapshot had secrets taken out (so it must be read again from Juju).
#[cfg(test)]
pub(crate) fn has_redacted(endpoint: &Endpoint) -> bool {
    endpoint.relations.iter().any(|rel| {
        rel.units
            .values()
            .chain(std::iter::once(&rel.app_data))
            .any(bag_has_redacted)
    })
}

/// Whether one stored bag had secrets taken out.
pub(crate) fn bag_has_redacted(bag: &crate::endpoint::Bag) -> bool {
    bag.values().any(|v| v.starts_with(MARK))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Relation;

    #[test]
    fn secrets_become_stable_markers() {
        let mut ep = Endpoint::new("db", "pgsql");
        let mut rel = Relation {
            id: "db:1".into(),
            ..Default::default()
        };
        rel.units.insert(
            "pg/0".into(),
            [("password", "s3cret"), ("host", "10.0.0.9")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .into(),
        );
        ep.relations.push(rel);
        let red = redact(&ep);
        let bag = &red.relations[0].units["pg/0"];
        assert!(!bag["password"].contains("s3cret"));
        assert_eq!(bag["host"], "10.0.0.9");
        assert!(has_redacted(&red) && !has_redacted(&ep));
        assert_eq!(redact(&red), red, "idempotent");
    }
}

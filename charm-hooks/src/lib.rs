//! Juju's hook names and the hook patterns of `#[hook(...)]`, shared by `charm-macros`
//! (which checks a pattern against metadata.yaml at compile time) and `charm-core` (which
//! matches it against the running hook): one expansion, so what the macro accepts is what
//! the runtime runs.
//!
//! The hook names are Juju's own: juju/juju `internal/charm/hooks/hooks.go` @ 87ca555e
//! (unit, relation, storage, workload and secret hooks) and juju/charm `hooks/hooks.go`
//! (Juju 3's `collect-metrics`, `meter-status-changed`, `leader-settings-changed`), plus
//! `pre-series-upgrade` / `post-series-upgrade` of Juju 2.8+.
//!
//! ```
//! // `#[hook("{requires:redis}-relation-joined")]` on a charm with two redis endpoints:
//! let endpoints = |role: &str, interface: &str| match (role, interface) {
//!     ("requires", "redis") => vec!["redis".to_owned(), "cache".to_owned()],
//!     _ => vec![],
//! };
//! let hooks = charm_hooks::expand("{requires:redis}-relation-joined", endpoints).unwrap();
//! assert_eq!(hooks, ["redis-relation-joined", "cache-relation-joined"]);
//! ```

/// Hooks of the unit as a whole (no relation, storage or container prefix).
pub const UNIT_HOOKS: &[&str] = &[
    "install",
    "start",
    "stop",
    "remove",
    "config-changed",
    "upgrade-charm",
    "update-status",
    "leader-elected",
    "leader-deposed",
    "leader-settings-changed",
    "collect-metrics",
    "meter-status-changed",
    "pre-series-upgrade",
    "post-series-upgrade",
    "secret-changed",
    "secret-expired",
    "secret-remove",
    "secret-rotate",
];

/// `<endpoint>-relation-<kind>`.
pub const RELATION_KINDS: &[&str] = &["created", "joined", "changed", "departed", "broken"];

/// `<storage>-storage-<kind>`, for each `storage:` entry of metadata.yaml.
pub const STORAGE_KINDS: &[&str] = &["attached", "detaching"];

/// `<container>-pebble-<kind>`, for each `containers:` entry of metadata.yaml.
pub const WORKLOAD_KINDS: &[&str] = &["ready", "custom-notice", "check-failed", "check-recovered"];

/// The endpoint every charm has without declaring it: `juju-info` (provides, interface
/// `juju-info`), as juju/charm `meta.go` (`Relation.IsImplicit`) defines it.
pub const IMPLICIT_ENDPOINT: &str = "juju-info";

/// What a charm declares that hook names derive from.
///
/// ```
/// let declared = charm_hooks::Declared { endpoints: &["db"], ..Default::default() };
/// let hooks = charm_hooks::valid_hooks(declared);
/// assert!(hooks.contains(&"db-relation-changed".to_owned()));
/// assert!(hooks.contains(&"juju-info-relation-joined".to_owned()), "implicit");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Declared<'a> {
    /// Relation endpoint names (provides, requires, peers), without the implicit `juju-info`.
    pub endpoints: &'a [&'a str],
    /// `storage:` names.
    pub storage: &'a [&'a str],
    /// `containers:` names.
    pub containers: &'a [&'a str],
}

/// Every hook Juju can run for a charm that declares `declared`.
///
/// ```
/// use charm_hooks::{Declared, valid_hooks};
/// let hooks = valid_hooks(Declared { storage: &["data"], ..Default::default() });
/// assert!(hooks.contains(&"data-storage-attached".to_owned()));
/// assert!(!hooks.contains(&"data-storage-joined".to_owned()));
/// ```
pub fn valid_hooks(declared: Declared<'_>) -> Vec<String> {
    let mut out: Vec<String> = UNIT_HOOKS.iter().map(|s| (*s).to_owned()).collect();
    let endpoints = declared
        .endpoints
        .iter()
        .copied()
        .chain((!declared.endpoints.contains(&IMPLICIT_ENDPOINT)).then_some(IMPLICIT_ENDPOINT));
    for ep in endpoints {
        out.extend(RELATION_KINDS.iter().map(|k| format!("{ep}-relation-{k}")));
    }
    for s in declared.storage {
        out.extend(STORAGE_KINDS.iter().map(|k| format!("{s}-storage-{k}")));
    }
    for c in declared.containers {
        out.extend(WORKLOAD_KINDS.iter().map(|k| format!("{c}-pebble-{k}")));
    }
    out
}

/// One alternative of a `{...}` group.
///
/// ```
/// use charm_hooks::Choice;
/// let parts = charm_hooks::parse("{stop,requires:redis}").unwrap();
/// assert_eq!(parts[0][0], Choice::Text("stop".into()));
/// assert_eq!(
///     parts[0][1],
///     Choice::Endpoints { role: "requires".into(), interface: "redis".into() }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Literal text.
    Text(String),
    /// `role:interface`: every endpoint with that role and interface.
    Endpoints {
        /// `provides`, `requires` or `peers`.
        role: String,
        /// The interface name.
        interface: String,
    },
}

/// A pattern split into its parts: each part is one or more choices (`a{b,c}d` is
/// `[[a], [b, c], [d]]`).
///
/// ```
/// use charm_hooks::{Choice, parse};
/// let text = |t: &str| Choice::Text(t.to_owned());
/// assert_eq!(parse("a{b,c}d").unwrap(), [vec![text("a")], vec![text("b"), text("c")], vec![text("d")]]);
/// assert_eq!(parse("{a").unwrap_err(), "a `{` without its `}`");
/// ```
pub fn parse(pattern: &str) -> Result<Vec<Vec<Choice>>, String> {
    let mut parts: Vec<Vec<Choice>> = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(vec![Choice::Text(rest.to_owned())]);
                break;
            }
            Some(i) if rest.as_bytes()[i] == b'}' => return Err("a `}` without its `{`".to_owned()),
            Some(i) => {
                if i > 0 {
                    parts.push(vec![Choice::Text(rest[..i].to_owned())]);
                }
                let after = &rest[i + 1..];
                let close = after.find('}').ok_or("a `{` without its `}`")?;
                let group = &after[..close];
                if group.contains('{') {
                    return Err("groups cannot nest".to_owned());
                }
                let mut choices = Vec::new();
                for choice in group.split(',').map(str::trim) {
                    if choice.is_empty() {
                        return Err("an empty alternative in `{...}`".to_owned());
                    }
                    choices.push(match choice.split_once(':') {
                        Some((role, interface)) => {
                            if !["provides", "requires", "peers"].contains(&role) {
                                return Err(format!(
                                    "`{role}` is not a role; use `provides`, `requires` or `peers`"
                                ));
                            }
                            Choice::Endpoints {
                                role: role.to_owned(),
                                interface: interface.to_owned(),
                            }
                        }
                        None => Choice::Text(choice.to_owned()),
                    });
                }
                parts.push(choices);
                rest = &after[close + 1..];
            }
        }
    }
    Ok(parts)
}

/// Every concrete hook name `pattern` stands for; `endpoints(role, interface)` names the
/// charm's endpoints of that role and interface. A malformed pattern is an error (the
/// macro reports it at compile time; the runtime then never sees it).
///
/// ```
/// let none = |_: &str, _: &str| Vec::new();
/// assert_eq!(charm_hooks::expand("{install,upgrade-charm}", none).unwrap(), ["install", "upgrade-charm"]);
/// assert!(charm_hooks::expand("{owns:redis}", none).unwrap_err().contains("not a role"));
/// ```
pub fn expand(
    pattern: &str,
    endpoints: impl Fn(&str, &str) -> Vec<String>,
) -> Result<Vec<String>, String> {
    let mut names = vec![String::new()];
    for part in parse(pattern)? {
        let mut alternatives = Vec::new();
        for choice in part {
            match choice {
                Choice::Text(t) => alternatives.push(t),
                Choice::Endpoints { role, interface } => {
                    alternatives.extend(endpoints(&role, &interface))
                }
            }
        }
        names = names
            .iter()
            .flat_map(|head| alternatives.iter().map(move |a| format!("{head}{a}")))
            .collect();
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eps(role: &str, interface: &str) -> Vec<String> {
        match (role, interface) {
            ("requires", "redis") => vec!["redis".into(), "cache".into()],
            ("requires", "pgsql") => vec!["db".into()],
            _ => vec![],
        }
    }

    #[test]
    fn expands_alternatives_and_endpoint_groups() {
        assert_eq!(
            expand("{install,upgrade-charm}", eps).unwrap(),
            ["install", "upgrade-charm"]
        );
        assert_eq!(
            expand("{requires:redis,requires:pgsql}-relation-joined", eps).unwrap(),
            [
                "redis-relation-joined",
                "cache-relation-joined",
                "db-relation-joined"
            ]
        );
        assert_eq!(
            expand("{requires:redis, stop}", eps).unwrap(),
            ["redis", "cache", "stop"]
        );
        assert_eq!(
            expand("{provides:http}-relation-joined", eps).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn malformed_patterns_are_errors() {
        for bad in ["{a", "a}", "{a,}", "{{a}}", "{owns:redis}"] {
            assert!(expand(bad, eps).is_err(), "{bad}");
        }
    }

    #[test]
    fn valid_hooks_follow_the_declarations() {
        let hooks = valid_hooks(Declared {
            endpoints: &["db"],
            storage: &["data"],
            containers: &["app"],
        });
        for name in [
            "db-relation-created",
            "juju-info-relation-joined",
            "data-storage-attached",
            "data-storage-detaching",
            "app-pebble-ready",
            "app-pebble-custom-notice",
            "app-pebble-check-failed",
            "app-pebble-check-recovered",
            "meter-status-changed",
            "leader-deposed",
            "secret-rotate",
        ] {
            assert!(hooks.contains(&name.to_owned()), "{name}");
        }
        assert!(!hooks.contains(&"data-storage-joined".to_owned()));
    }
}

//! Which hook is running: from `JUJU_DISPATCH_PATH` or `argv[0]`, plus the relation context.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::registry::{Charm, Role};

/// The relation a relation hook is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelationContext {
    /// The endpoint, from `JUJU_RELATION`.
    pub endpoint: String,
    /// The relation id, from `JUJU_RELATION_ID`.
    pub id: String,
    /// `JUJU_REMOTE_UNIT`, if any.
    pub remote_unit: Option<String>,
    /// `JUJU_REMOTE_APP`, if any.
    pub remote_app: Option<String>,
    /// `JUJU_DEPARTING_UNIT` in `-relation-departed`.
    pub departing_unit: Option<String>,
}

/// Everything the hook's environment says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HookEnv {
    /// The hook name, e.g. `config-changed`; for actions `actions/<name>`.
    pub hook: String,
    /// The charm directory (`CHARM_DIR`), where the unit state lives.
    pub charm_dir: PathBuf,
    /// `JUJU_UNIT_NAME`, e.g. `voting-app/0`.
    pub unit_name: String,
    /// The relation of a relation hook.
    pub relation: Option<RelationContext>,
    /// `CHARM_DOCKER_HOST_IP`: the address compose publishes ports on when the file names
    /// none (all addresses when unset, as Compose does; `127.0.0.1` for local runs).
    pub docker_host_ip: Option<String>,
    /// The framework's knobs, from `.charm-settings` in the charm directory and the
    /// environment ([`Settings`](crate::Settings)).
    pub settings: crate::settings::Settings,
    /// Secret and storage hooks' subject, and the Juju version.
    pub contract: crate::contract::ContractEnv,
}

impl HookEnv {
    /// Reads the environment of this process (`args0` is `argv[0]`).
    pub fn from_process(args0: Option<&str>) -> Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self::from_lookup(var, args0)
    }

    /// Reads an environment through `var` (tests pass a map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>, args0: Option<&str>) -> Result<Self> {
        let hook = match var("JUJU_DISPATCH_PATH") {
            Some(path) => hook_from_dispatch_path(&path)?,
            None => {
                let name = args0
                    .map(Path::new)
                    .and_then(Path::file_name)
                    .and_then(|n| n.to_str())
                    .unwrap_or("");
                if name.is_empty() || name == "dispatch" {
                    return Err(Error::Environment(
                        "cannot tell which hook to run: JUJU_DISPATCH_PATH is not set and the \
                         program is not started as hooks/<hook-name>"
                            .to_owned(),
                    ));
                }
                name.to_owned()
            }
        };
        let charm_dir = var("JUJU_CHARM_DIR")
            .or_else(|| var("CHARM_DIR"))
            .map(PathBuf::from)
            .ok_or_else(|| {
                Error::Environment("CHARM_DIR is not set: not started by Juju?".to_owned())
            })?;
        let unit_name = var("JUJU_UNIT_NAME").ok_or_else(|| {
            Error::Environment("JUJU_UNIT_NAME is not set: not started by Juju?".to_owned())
        })?;
        let relation = var("JUJU_RELATION").map(|endpoint| RelationContext {
            endpoint,
            id: var("JUJU_RELATION_ID").unwrap_or_default(),
            remote_unit: var("JUJU_REMOTE_UNIT"),
            remote_app: var("JUJU_REMOTE_APP"),
            departing_unit: var("JUJU_DEPARTING_UNIT"),
        });
        let settings = crate::settings::Settings::load(&charm_dir, &var)?;
        let contract = crate::contract::ContractEnv::from_lookup(&var);
        Ok(Self {
            contract,
            hook,
            charm_dir,
            unit_name,
            relation,
            docker_host_ip: settings.get(crate::unit::HOST_IP_ENV).map(str::to_owned),
            settings,
        })
    }
}

fn hook_from_dispatch_path(path: &str) -> Result<String> {
    if let Some(name) = path.strip_prefix("hooks/")
        && !name.is_empty()
        && !name.contains('/')
    {
        return Ok(name.to_owned());
    }
    if let Some(name) = path.strip_prefix("actions/")
        && !name.is_empty()
        && !name.contains('/')
    {
        return Ok(path.to_owned());
    }
    Err(Error::Environment(format!(
        "JUJU_DISPATCH_PATH={path:?} is neither hooks/<name> nor actions/<name>"
    )))
}

/// Hooks that run restricted: Juju runs `collect-metrics` in a restricted context, where
/// only `juju-log` and `add-metric` work (juju/juju
/// `internal/worker/uniter/runner/jujuc/restricted.go@12baae6d` `ErrRestrictedContext`; ops
/// skips its config and relation calls there too), and charms.reactive runs both in its
/// restricted mode: no config or relation start-up, only the hooks phase, no exit work
/// (charms.reactive `main`, __init__.py@1.5.3).
pub const RESTRICTED_HOOKS: &[&str] = &["collect-metrics", "meter-status-changed"];

/// Whether `hook` runs restricted (see [`RESTRICTED_HOOKS`]).
///
/// ```
/// assert!(charm_core::hook::is_restricted("collect-metrics"));
/// assert!(charm_core::hook::is_restricted("meter-status-changed"));
/// assert!(!charm_core::hook::is_restricted("config-changed"));
/// ```
pub fn is_restricted(hook: &str) -> bool {
    RESTRICTED_HOOKS.contains(&hook)
}

/// The relation hook kinds, as in `<endpoint>-relation-<kind>`.
pub const RELATION_KINDS: &[&str] = charm_hooks::RELATION_KINDS;

/// If `hook` is a relation hook of one of the charm's endpoints, its endpoint and kind.
pub fn relation_hook<'a>(charm: &Charm, hook: &'a str) -> Option<(&'a str, &'a str)> {
    let (endpoint, kind) = hook.rsplit_once("-relation-")?;
    (RELATION_KINDS.contains(&kind) && charm.endpoint(endpoint).is_some())
        .then_some((endpoint, kind))
}

/// Whether `hook` matches `pattern`: `{a,b}` alternatives, and `{requires:redis}`-style
/// groups that stand for every endpoint with that role and interface.
pub fn matches(pattern: &str, hook: &str, charm: &Charm) -> bool {
    expand(pattern, charm).iter().any(|p| p == hook)
}

/// Every concrete hook name `pattern` stands for: `charm_hooks::expand`, the expansion the
/// `#[hook]` macro checked at compile time. A malformed pattern (which the macro rejects)
/// stands for no hook.
pub fn expand(pattern: &str, charm: &Charm) -> Vec<String> {
    charm_hooks::expand(pattern, |role, interface| {
        let role = match role {
            "provides" => Role::Provides,
            "requires" => Role::Requires,
            _ => Role::Peers,
        };
        charm
            .endpoints
            .iter()
            .filter(|ep| ep.role == role && ep.interface == interface)
            .map(|ep| ep.name.to_owned())
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{EndpointDef, Layer};

    static CHARM: Charm = Charm {
        name: "t",
        layer: Layer {
            name: "t",
            flags: &[],
            handlers: &[],
            triggers: &[],
            layers: &[],
        },
        endpoints: &[
            EndpointDef {
                name: "redis",
                role: Role::Requires,
                interface: "redis",
                kind: &<crate::interfaces::Redis as crate::Interface>::DEF,
            },
            EndpointDef {
                name: "cache",
                role: Role::Requires,
                interface: "redis",
                kind: &<crate::interfaces::Redis as crate::Interface>::DEF,
            },
        ],
        config: &[],
        leader: &[],
    };

    #[test]
    fn patterns_expand_alternatives_and_endpoints() {
        assert!(matches("{install,upgrade-charm}", "upgrade-charm", &CHARM));
        assert!(matches(
            "{requires:redis}-relation-{joined,changed}",
            "cache-relation-changed",
            &CHARM
        ));
        assert!(!matches(
            "{requires:redis}-relation-joined",
            "db-relation-joined",
            &CHARM
        ));
        assert_eq!(expand("{requires:redis}-relation-broken", &CHARM).len(), 2);
        // Several endpoint groups in one `{...}`: the macro accepted this before the runtime
        // understood it; both now use `charm_hooks::expand`.
        assert!(matches(
            "{requires:redis,requires:pgsql}-relation-joined",
            "cache-relation-joined",
            &CHARM
        ));
        assert!(matches("{requires:redis,stop}", "stop", &CHARM));
    }

    #[test]
    fn hook_comes_from_dispatch_path_then_argv0() {
        let env = |k: &str| match k {
            "JUJU_DISPATCH_PATH" => Some("hooks/config-changed".to_owned()),
            "CHARM_DIR" => Some("/c".to_owned()),
            "JUJU_UNIT_NAME" => Some("a/0".to_owned()),
            _ => None,
        };
        assert_eq!(
            HookEnv::from_lookup(env, Some("/x/dispatch")).unwrap().hook,
            "config-changed"
        );
        let env2 = |k: &str| {
            if k == "JUJU_DISPATCH_PATH" {
                None
            } else {
                env(k)
            }
        };
        assert_eq!(
            HookEnv::from_lookup(env2, Some("/c/hooks/install"))
                .unwrap()
                .hook,
            "install"
        );
        let err = HookEnv::from_lookup(env2, Some("/c/dispatch"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("JUJU_DISPATCH_PATH"), "{err}");
        let bad = |k: &str| {
            if k == "JUJU_DISPATCH_PATH" {
                Some("x/y".to_owned())
            } else {
                env(k)
            }
        };
        assert!(HookEnv::from_lookup(bad, None).is_err());
    }
}

//! The rest of the unit's contract: secrets, storage, resources, goal-state and cloud
//! credentials, kept in one part of the model ([`Model::contract`](crate::Model)) so the
//! model's other parts stay as they are.
//!
//! Juju's semantics, read from juju/juju:
//! - hook tools: `internal/worker/uniter/runner/jujuc/secret-*.go`, `storage-*.go`,
//!   `resource-get.go`, `goal-state.go`, `credential-get.go` (@0cdccd5f, @e3c3ba69);
//! - the hook context: `internal/worker/uniter/runner/context/context.go` (`HookVars`:
//!   `JUJU_SECRET_ID`, `JUJU_SECRET_LABEL`, `JUJU_SECRET_REVISION`, `JUJU_STORAGE_ID`,
//!   `JUJU_STORAGE_LOCATION`, `JUJU_STORAGE_KIND`); secret creates, updates, grants, revokes
//!   and removes and `storage-add` are flushed only when the hook succeeds, like relation data;
//! - secret content: `core/secrets/createsecret.go@0ffacc32` (key names, `#base64`), and
//!   `core/secrets/rotate.go@0b9c32cd` (rotate policies).
//!
//! What a hook writes goes to a working copy kept per context ([`ContractPending`]),
//! committed when the hook exits 0 and dropped otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::context::Hook;
use crate::error::{Error, Result};
use crate::model::Model;

/// Secrets, storage, resources, goal-state and credentials of the unit's world.
///
/// ```
/// use charm_emulator::Model;
/// let model = Model::new("web/0").unwrap();
/// assert!(model.contract.secrets.is_empty() && model.contract.storage.is_empty());
/// assert_eq!(model.contract.next_storage_id, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Contract {
    /// Every secret this unit can see, by id (the 20 characters after `secret:`): owned by
    /// this unit or its application, or owned by another application (set up by a test).
    #[serde(default)]
    pub secrets: BTreeMap<String, Secret>,
    /// `storage:` of metadata.yaml, by name.
    #[serde(default)]
    pub storage_defs: BTreeMap<String, StorageDef>,
    /// Attached storage instances, by id (`data/0`).
    #[serde(default)]
    pub storage: BTreeMap<String, StorageInstance>,
    /// Instances added by `storage-add` in a committed hook and not attached yet, in order.
    #[serde(default)]
    pub storage_to_attach: Vec<String>,
    /// The number the next storage instance gets: Juju numbers them model-wide.
    #[serde(default)]
    pub next_storage_id: u64,
    /// The emulated agent's directory: storage instances are made under `storage/`, resource
    /// files copied under `resources/` (default: the charm directory's `.juju-agent`).
    #[serde(default)]
    pub agent_dir: Option<PathBuf>,
    /// `resources:` of metadata.yaml, by name.
    #[serde(default)]
    pub resource_defs: BTreeMap<String, ResourceDef>,
    /// Files given for resources (`--resource name=path`), by name.
    #[serde(default)]
    pub resources: BTreeMap<String, PathBuf>,
    /// `goal-state`'s answer, when a test sets one; else it is derived from the model.
    #[serde(default)]
    pub goal_state: Option<Value>,
    /// Whether the application is trusted (`juju trust`): only then does `credential-get`
    /// answer.
    #[serde(default)]
    pub trusted: bool,
    /// What `credential-get` answers when trusted (a default LXD cloud spec if unset).
    #[serde(default)]
    pub cloud_spec: Option<Value>,
    /// Working copies of the hooks that are running, by context id.
    #[serde(default)]
    pub pending: BTreeMap<String, ContractPending>,
}

/// Who owns a secret.
///
/// ```
/// use charm_emulator::SecretOwner;
/// let owner = SecretOwner::Unit("web/0".into());
/// let json = serde_json::to_value(&owner).unwrap();
/// assert_eq!(json, serde_json::json!({"kind": "unit", "id": "web/0"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum SecretOwner {
    /// An application (`--owner application`, the default): its leader manages it.
    Application(String),
    /// One unit (`--owner unit`).
    Unit(String),
}

/// A grant of read access, tied to a relation as Juju ties it.
///
/// ```
/// use charm_emulator::Grant;
/// let app = Grant { relation: 3, target: "mysql".into() };
/// let unit = Grant { relation: 3, target: "mysql/0".into() };
/// assert!(app < unit, "grants sort by relation, then target");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Grant {
    /// The relation number.
    pub relation: u64,
    /// The application, or one unit of it.
    pub target: String,
}

/// One secret with its revisions.
///
/// ```
/// use charm_emulator::{Model, SecretOwner};
/// let mut model = Model::new("web/0").unwrap();
/// let content = [("password".to_owned(), "s3cret".to_owned())].into();
/// let uri = model.add_remote_secret("vault", &content, true).unwrap();
/// let id = charm_emulator::secret_id(&uri).unwrap();
/// let secret = &model.contract.secrets[id];
/// assert_eq!(secret.owner, SecretOwner::Application("vault".into()));
/// assert_eq!(secret.latest(), 1);
/// assert_eq!(secret.content(1).unwrap()["password"], "s3cret");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Secret {
    /// Its owner.
    pub owner: SecretOwner,
    /// The owner's label.
    #[serde(default)]
    pub label: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// When the latest revision expires (RFC 3339).
    #[serde(default)]
    pub expire: Option<String>,
    /// The rotate policy (`never`, `hourly`, ... `yearly`).
    #[serde(default)]
    pub rotate: Option<String>,
    /// Content per revision: key to base64 value, as Juju stores it.
    pub revisions: BTreeMap<u32, BTreeMap<String, String>>,
    /// Read access granted by the owner.
    #[serde(default)]
    pub grants: BTreeSet<Grant>,
    /// For a secret another application owns: whether this unit may read it (granted).
    #[serde(default)]
    pub granted: bool,
    /// For a secret another application owns: this unit's label for it.
    #[serde(default)]
    pub consumer_label: Option<String>,
    /// For a secret another application owns: the revision this unit tracks.
    #[serde(default)]
    pub tracked: Option<u32>,
}

impl Secret {
    /// The latest revision number.
    pub fn latest(&self) -> u32 {
        self.revisions.keys().next_back().copied().unwrap_or(0)
    }

    /// The content of revision `rev`, decoded, if it holds valid base64.
    pub fn content(&self, rev: u32) -> Option<BTreeMap<String, String>> {
        self.revisions
            .get(&rev)
            .and_then(|c| decode_content(c).ok())
    }
}

/// `storage:` entry of metadata.yaml.
///
/// ```
/// use charm_emulator::{Model, StorageDef};
/// let mut model = Model::new("web/0").unwrap();
/// let def = StorageDef { kind: "filesystem".into(), location: None, max: Some(1) };
/// model.contract.storage_defs.insert("data".into(), def);
/// let dir = tempfile::tempdir().unwrap();
/// let id = model.attach_storage("data", Some(dir.path().into())).unwrap();
/// assert_eq!(id, "data/0");
/// assert!(model.attach_storage("logs", None).is_err(), "metadata.yaml declares only data");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StorageDef {
    /// `filesystem` or `block`.
    pub kind: String,
    /// `location:`, for filesystems.
    #[serde(default)]
    pub location: Option<String>,
    /// Most instances a unit may have (`multiple.range`; 1 without `multiple`).
    #[serde(default)]
    pub max: Option<u32>,
}

/// An attached storage instance.
///
/// ```
/// use charm_emulator::{Model, StorageDef};
/// let mut model = Model::new("web/0").unwrap();
/// let def = StorageDef { kind: "filesystem".into(), location: None, max: None };
/// model.contract.storage_defs.insert("data".into(), def);
/// let dir = tempfile::tempdir().unwrap();
/// let id = model.attach_storage("data", Some(dir.path().into())).unwrap();
/// let instance = &model.contract.storage[&id];
/// assert_eq!((instance.kind.as_str(), instance.location.as_path()), ("filesystem", dir.path()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StorageInstance {
    /// `filesystem` or `block`.
    pub kind: String,
    /// Where it is mounted (a directory) or its device.
    pub location: PathBuf,
}

/// `resources:` entry of metadata.yaml.
///
/// ```
/// use charm_emulator::ResourceDef;
/// let r: ResourceDef = serde_json::from_str(r#"{"kind": "file", "filename": "app.tgz"}"#).unwrap();
/// assert_eq!(r.filename.as_deref(), Some("app.tgz"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ResourceDef {
    /// `file` or `oci-image`.
    pub kind: String,
    /// `filename:` of a file resource.
    #[serde(default)]
    pub filename: Option<String>,
}

/// The working copy of one running hook.
///
/// ```
/// use charm_emulator::ContractPending;
/// let pending = ContractPending::default();
/// assert!(pending.secrets.is_none(), "nothing changed yet: the committed secrets stand");
/// assert!(pending.storage_adds.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ContractPending {
    /// The secrets as this hook changed them (absent until it changes one).
    #[serde(default)]
    pub secrets: Option<BTreeMap<String, Secret>>,
    /// `storage-add` requests: name and count, in order.
    #[serde(default)]
    pub storage_adds: Vec<(String, u32)>,
}

/// What a secret or storage hook is about.
///
/// ```
/// use charm_emulator::Hook;
/// let hook = Hook::new("data-storage-attached").with_storage("data/0");
/// assert_eq!(hook.name, "data-storage-attached");
/// let hook = Hook::new("secret-changed").with_secret("secret:cq5e2vfmp25c77b1ssrg", None);
/// assert!(hook.subject.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum HookSubject {
    /// `secret-changed`, `-expired`, `-remove`, `-rotate`.
    Secret {
        /// The secret id (with or without `secret:`).
        id: String,
        /// The revision (`secret-expired`, `secret-remove`).
        #[serde(default)]
        revision: Option<u32>,
    },
    /// `<name>-storage-attached`, `-detaching`.
    Storage {
        /// The instance, `data/0`.
        id: String,
    },
}

/// The secret hooks.
pub const SECRET_HOOKS: &[&str] = &[
    "secret-changed",
    "secret-expired",
    "secret-remove",
    "secret-rotate",
];

impl Hook {
    /// Makes a secret hook about secret `id` (`secret:...`), with a revision for
    /// `secret-expired` and `secret-remove`.
    ///
    /// ```
    /// let hook = charm_emulator::Hook::new("secret-rotate").with_secret("secret:cjv2hch0ocgs2ge8gfh0", None);
    /// assert!(hook.subject.is_some());
    /// ```
    pub fn with_secret(mut self, id: impl Into<String>, revision: Option<u32>) -> Self {
        self.subject = Some(HookSubject::Secret {
            id: id.into(),
            revision,
        });
        self
    }

    /// Makes a storage hook about instance `id` (`data/0`).
    pub fn with_storage(mut self, id: impl Into<String>) -> Self {
        self.subject = Some(HookSubject::Storage { id: id.into() });
        self
    }
}

/// A secret id without its `secret:` scheme (or `secret://<model>/`), if well formed: 20
/// characters of `0-9a-v`, as Juju's xid ids are (core/secrets `ParseURI`).
///
/// ```
/// assert_eq!(charm_emulator::secret_id("secret:cjv2hch0ocgs2ge8gfh0"), Some("cjv2hch0ocgs2ge8gfh0"));
/// assert_eq!(charm_emulator::secret_id("secret:nope"), None);
/// ```
pub fn secret_id(uri: &str) -> Option<&str> {
    let id = match uri.strip_prefix("secret://") {
        Some(rest) => rest.rsplit_once('/').map_or(rest, |(_, id)| id),
        None => uri.strip_prefix("secret:").unwrap_or(uri),
    };
    let ok = id.len() == 20 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'v'));
    ok.then_some(id)
}

/// A fresh secret id: 20 characters of `0-9a-v`.
pub(crate) fn fresh_secret_id() -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    let mut bits =
        (u128::from(crate::ids::random_u64()) << 64) | u128::from(crate::ids::random_u64());
    (0..20)
        .map(|_| {
            let c = DIGITS[(bits & 31) as usize] as char;
            bits >>= 5;
            c
        })
        .collect()
}

/// Decodes stored content.
pub(crate) fn decode_content(
    content: &BTreeMap<String, String>,
) -> std::result::Result<BTreeMap<String, String>, String> {
    use base64::Engine;
    content
        .iter()
        .map(|(k, v)| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v)
                .map_err(|e| format!("secret key {k:?}: invalid base64 value: {e}"))?;
            Ok((k.clone(), String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}

impl Contract {
    /// Reads `storage:` and `resources:` of the charm's metadata.yaml (or charmcraft.yaml).
    ///
    /// Errors name the file and the key.
    pub fn declare_from(&mut self, charm_dir: &Path) -> Result<()> {
        let path = ["metadata.yaml", "charmcraft.yaml"]
            .iter()
            .map(|f| charm_dir.join(f))
            .find(|p| p.exists());
        let Some(path) = path else {
            return Ok(());
        };
        let text =
            std::fs::read_to_string(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let doc: charm_yaml::Value = charm_yaml::from_str(&text).map_err(|e| Error::Charm {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let bad = |message: String| Error::Charm {
            path: path.clone(),
            message,
        };
        if let Some(storage) = doc.get("storage").and_then(charm_yaml::Value::as_mapping) {
            for (name, spec) in storage {
                let name = name
                    .as_str()
                    .ok_or_else(|| bad("`storage`: names must be strings".into()))?;
                let kind = spec
                    .get("type")
                    .and_then(charm_yaml::Value::as_str)
                    .ok_or_else(|| bad(format!("`storage.{name}.type` is required")))?;
                if kind != "filesystem" && kind != "block" {
                    return Err(bad(format!(
                        "`storage.{name}.type` must be filesystem or block, not {kind:?}"
                    )));
                }
                let location = spec
                    .get("location")
                    .and_then(charm_yaml::Value::as_str)
                    .map(str::to_owned);
                let max = match spec.get("multiple").and_then(|m| m.get("range")) {
                    None => Some(1),
                    Some(range) => parse_range_max(range)
                        .map_err(|e| bad(format!("`storage.{name}.multiple.range`: {e}")))?,
                };
                self.storage_defs.insert(
                    name.to_owned(),
                    StorageDef {
                        kind: kind.to_owned(),
                        location,
                        max,
                    },
                );
            }
        }
        if let Some(resources) = doc.get("resources").and_then(charm_yaml::Value::as_mapping) {
            for (name, spec) in resources {
                let name = name
                    .as_str()
                    .ok_or_else(|| bad("`resources`: names must be strings".into()))?;
                let kind = spec
                    .get("type")
                    .and_then(charm_yaml::Value::as_str)
                    .unwrap_or("file");
                let filename = spec
                    .get("filename")
                    .and_then(charm_yaml::Value::as_str)
                    .map(str::to_owned);
                self.resource_defs.insert(
                    name.to_owned(),
                    ResourceDef {
                        kind: kind.to_owned(),
                        filename,
                    },
                );
            }
        }
        Ok(())
    }
}

/// `multiple.range`: `N`, `N-M` or `N-` (no maximum).
fn parse_range_max(range: &charm_yaml::Value) -> std::result::Result<Option<u32>, String> {
    let text = match range {
        charm_yaml::Value::Number(n) => n.to_string(),
        charm_yaml::Value::String(s) => s.clone(),
        _ => return Err("expected N, N-M or N-".into()),
    };
    let bad = || format!("expected N, N-M or N-, got {text:?}");
    match text.split_once('-') {
        None => text.trim().parse().map(Some).map_err(|_| bad()),
        Some((_, "")) => Ok(None),
        Some((_, max)) => max.trim().parse().map(Some).map_err(|_| bad()),
    }
}

impl Model {
    /// Adds a secret owned by another application (`remote_app`), as if it had created it
    /// with `content` and granted it to this unit when `granted`; returns its URI
    /// (`secret:<id>`).
    pub fn add_remote_secret(
        &mut self,
        remote_app: &str,
        content: &BTreeMap<String, String>,
        granted: bool,
    ) -> Result<String> {
        let id = fresh_secret_id();
        let encoded = crate::tools::secret::encode_args(content)
            .map_err(|e| Error::invalid(e.message().to_owned()))?;
        self.contract.secrets.insert(
            id.clone(),
            Secret {
                owner: SecretOwner::Application(remote_app.to_owned()),
                label: None,
                description: None,
                expire: None,
                rotate: None,
                revisions: BTreeMap::from([(1, encoded)]),
                grants: BTreeSet::new(),
                granted,
                consumer_label: None,
                tracked: None,
            },
        );
        Ok(format!("secret:{id}"))
    }

    /// The owner publishes a new revision of secret `uri` with `content`; returns the revision.
    pub fn update_secret(&mut self, uri: &str, content: &BTreeMap<String, String>) -> Result<u32> {
        let id = secret_id(uri)
            .ok_or_else(|| Error::invalid(format!("secret URI {uri:?} not valid")))?;
        let encoded = crate::tools::secret::encode_args(content)
            .map_err(|e| Error::invalid(e.message().to_owned()))?;
        let secret = self
            .contract
            .secrets
            .get_mut(id)
            .ok_or_else(|| Error::invalid(format!("secret {uri:?} not found")))?;
        let rev = secret.latest() + 1;
        secret.revisions.insert(rev, encoded);
        Ok(rev)
    }

    /// Attaches a new instance of storage `name` (declared in metadata.yaml), at `location` or
    /// a fresh directory; returns its id (`data/0`). Run `<name>-storage-attached` next.
    pub fn attach_storage(&mut self, name: &str, location: Option<PathBuf>) -> Result<String> {
        let def = self.contract.storage_defs.get(name).ok_or_else(|| {
            Error::invalid(format!(
                "charm storage {name:?} not found (metadata.yaml declares: {})",
                self.contract
                    .storage_defs
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let count = self
            .contract
            .storage
            .keys()
            .filter(|id| id.split('/').next() == Some(name))
            .count();
        if def.max.is_some_and(|max| count as u64 >= u64::from(max)) {
            return Err(Error::invalid(format!(
                "storage {name:?}: the charm allows at most {} instance(s), {count} attached",
                def.max.unwrap_or_default()
            )));
        }
        let kind = def.kind.clone();
        let n = self.contract.next_storage_id;
        self.contract.next_storage_id += 1;
        let id = format!("{name}/{n}");
        let location = match location {
            Some(l) => l,
            None => {
                let root = self
                    .contract
                    .agent_dir
                    .clone()
                    .or_else(|| self.charm_dir.as_ref().map(|d| d.join(".juju-agent")))
                    .ok_or_else(|| Error::invalid("no charm directory to put storage in"))?;
                let dir = root.join("storage").join(name).join(n.to_string());
                if kind == "filesystem" {
                    std::fs::create_dir_all(&dir)
                        .map_err(|e| Error::io("cannot create storage directory", &dir, e))?;
                }
                dir
            }
        };
        self.contract
            .storage
            .insert(id.clone(), StorageInstance { kind, location });
        Ok(id)
    }
}

/// Checks a hook's subject against the model: storage hooks name an attached instance of
/// their storage, secret hooks a known secret; other hooks take none.
pub(crate) fn check_hook(model: &Model, hook: &Hook) -> Result<()> {
    let storage_hook = (!hook.is_action())
        .then(|| {
            hook.name
                .strip_suffix("-storage-attached")
                .or_else(|| hook.name.strip_suffix("-storage-detaching"))
        })
        .flatten();
    let secret_hook = !hook.is_action() && SECRET_HOOKS.contains(&hook.name.as_str());
    match (&hook.subject, storage_hook, secret_hook) {
        (Some(HookSubject::Storage { id }), Some(name), _) => {
            if id.split('/').next() != Some(name) {
                return Err(Error::invalid(format!(
                    "hook {:?} is about storage {name:?}, not {id:?}",
                    hook.name
                )));
            }
            if !model.contract.storage.contains_key(id) {
                return Err(Error::invalid(format!(
                    "hook {:?}: storage {id:?} is not attached (attached: {})",
                    hook.name,
                    model
                        .contract
                        .storage
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Ok(())
        }
        (None, Some(_), _) => Err(Error::invalid(format!(
            "hook {:?} needs a storage instance (e.g. data/0)",
            hook.name
        ))),
        (Some(HookSubject::Secret { id, .. }), None, true) => {
            let known = secret_id(id).is_some_and(|id| model.contract.secrets.contains_key(id));
            if known {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "hook {:?}: secret {id:?} not found",
                    hook.name
                )))
            }
        }
        (None, None, true) => Err(Error::invalid(format!(
            "hook {:?} needs a secret",
            hook.name
        ))),
        (None, None, false) => Ok(()),
        (Some(_), _, _) => Err(Error::invalid(format!(
            "hook {:?} takes no such secret or storage subject",
            hook.name
        ))),
    }
}

/// The variables of a secret or storage hook (context.go `HookVars`).
pub(crate) fn add_env(model: &Model, hook: &Hook, env: &mut BTreeMap<String, String>) {
    match &hook.subject {
        Some(HookSubject::Secret { id, revision }) => {
            let bare = secret_id(id).unwrap_or(id);
            let label = model.contract.secrets.get(bare).and_then(|s| {
                if crate::tools::secret::owned_by(model, s) {
                    s.label.clone()
                } else {
                    s.consumer_label.clone()
                }
            });
            env.insert("JUJU_SECRET_ID".into(), format!("secret:{bare}"));
            env.insert("JUJU_SECRET_LABEL".into(), label.unwrap_or_default());
            if let Some(rev) = revision.filter(|r| *r > 0) {
                env.insert("JUJU_SECRET_REVISION".into(), rev.to_string());
            }
        }
        Some(HookSubject::Storage { id }) => {
            if let Some(s) = model.contract.storage.get(id) {
                env.insert("JUJU_STORAGE_ID".into(), id.clone());
                env.insert(
                    "JUJU_STORAGE_LOCATION".into(),
                    s.location.display().to_string(),
                );
                env.insert("JUJU_STORAGE_KIND".into(), s.kind.clone());
            }
        }
        None => {}
    }
}

/// Ends a hook's part of the contract: commits its working copy when it succeeded, else
/// drops it. A successful `-storage-detaching` hook detaches its instance.
pub(crate) fn finish(model: &mut Model, context: &str, hook: &Hook, committed: bool) {
    let pending = model.contract.pending.remove(context);
    if !committed {
        return;
    }
    if let Some(pending) = pending {
        if let Some(secrets) = pending.secrets {
            model.contract.secrets = secrets;
        }
        for (name, count) in pending.storage_adds {
            for _ in 0..count {
                if let Ok(id) = model.attach_storage(&name, None) {
                    model.contract.storage_to_attach.push(id);
                }
            }
        }
    }
    if let Some(HookSubject::Storage { id }) = &hook.subject
        && hook.name.ends_with("-storage-detaching")
    {
        model.contract.storage.remove(id);
    }
    // A relation gone takes its grants with it (secret-grant.go: "once the relation is
    // removed, so too is the access grant").
    let live: BTreeSet<u64> = model.relations.keys().copied().collect();
    for secret in model.contract.secrets.values_mut() {
        secret.grants.retain(|g| live.contains(&g.relation));
    }
}

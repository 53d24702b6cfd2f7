//! Hook contexts: one per hook or action run, holding the writes Juju buffers until it ends.
//!
//! Juju gives every hook run a context id (`JUJU_CONTEXT_ID`); the hook tools a hook calls
//! speak to that context. Relation settings, port changes and charm state written through it
//! are held back and committed only when the hook exits 0. The emulator keeps the open
//! contexts in the model file, so tool processes started by the hook find them.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Bag, JsonMap, Model, PortRange};

/// The id of an open hook context, the value of `JUJU_CONTEXT_ID`.
///
/// ```
/// let id = charm_emulator::ContextId::new("web/0-install-1");
/// assert_eq!(id.as_str(), "web/0-install-1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContextId(String);

impl ContextId {
    /// Wraps an id, e.g. one read from `JUJU_CONTEXT_ID`.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContextId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of run a context is for.
///
/// ```
/// use charm_emulator::Hook;
/// assert!(!Hook::new("install").is_action());
/// assert!(Hook::action("dump-db", Default::default()).is_action());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum HookKind {
    /// A hook (`hooks/<name>`).
    Hook,
    /// An action (`actions/<name>`) with its parameters.
    Action {
        /// Parameters, nested as `action-get` returns them.
        #[serde(default)]
        params: JsonMap,
    },
}

/// The kind of a relation hook, the part after `-relation-`.
///
/// ```
/// use charm_emulator::{Hook, RelationEvent};
/// let hook = Hook::new("db-relation-joined");
/// assert_eq!(hook.relation_event(), Some(("db", RelationEvent::Joined)));
/// assert_eq!(Hook::new("install").relation_event(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationEvent {
    /// `-relation-created`: the relation exists, no remote unit yet.
    Created,
    /// `-relation-joined`: a remote unit entered.
    Joined,
    /// `-relation-changed`: a remote unit's (or the remote app's) data changed.
    Changed,
    /// `-relation-departed`: a remote unit left.
    Departed,
    /// `-relation-broken`: the relation is going away.
    Broken,
}

/// A hook or action to run, with the relation details Juju would give it.
///
/// ```
/// use charm_emulator::Hook;
/// let hook = Hook::new("db-relation-changed").with_relation(0).with_remote_unit("pg/0");
/// assert_eq!(hook.dispatch_path(), "hooks/db-relation-changed");
/// assert_eq!(Hook::action("backup", Default::default()).dispatch_path(), "actions/backup");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Hook {
    /// Hook or action.
    pub kind: HookKind,
    /// The hook name (`install`, `db-relation-joined`) or the action name.
    pub name: String,
    /// The relation number, for relation hooks. Left out, the only relation on the hook's
    /// endpoint is taken.
    #[serde(default)]
    pub relation: Option<u64>,
    /// `JUJU_REMOTE_UNIT`.
    #[serde(default)]
    pub remote_unit: Option<String>,
    /// `JUJU_DEPARTING_UNIT`, for `-relation-departed` (defaults to the remote unit).
    #[serde(default)]
    pub departing_unit: Option<String>,
    /// The secret or storage instance a secret or storage hook is about
    /// ([`Hook::with_secret`], [`Hook::with_storage`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<crate::contract::HookSubject>,
}

impl Hook {
    /// A hook by name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            kind: HookKind::Hook,
            name: name.into(),
            relation: None,
            remote_unit: None,
            departing_unit: None,
            subject: None,
        }
    }

    /// An action by name, with its parameters.
    pub fn action(name: impl Into<String>, params: JsonMap) -> Self {
        Self {
            kind: HookKind::Action { params },
            ..Self::new(name)
        }
    }

    /// Sets the relation a relation hook is about.
    pub fn with_relation(mut self, id: u64) -> Self {
        self.relation = Some(id);
        self
    }

    /// Sets `JUJU_REMOTE_UNIT`.
    pub fn with_remote_unit(mut self, unit: impl Into<String>) -> Self {
        self.remote_unit = Some(unit.into());
        self
    }

    /// Sets `JUJU_DEPARTING_UNIT`.
    pub fn with_departing_unit(mut self, unit: impl Into<String>) -> Self {
        self.departing_unit = Some(unit.into());
        self
    }

    /// Whether this is an action.
    pub fn is_action(&self) -> bool {
        matches!(self.kind, HookKind::Action { .. })
    }

    /// `hooks/<name>` or `actions/<name>`, the value of `JUJU_DISPATCH_PATH`.
    pub fn dispatch_path(&self) -> String {
        match self.kind {
            HookKind::Hook => format!("hooks/{}", self.name),
            HookKind::Action { .. } => format!("actions/{}", self.name),
        }
    }

    /// For a relation hook, its endpoint and kind.
    pub fn relation_event(&self) -> Option<(&str, RelationEvent)> {
        if self.is_action() {
            return None;
        }
        let (endpoint, kind) = self.name.rsplit_once("-relation-")?;
        let event = match kind {
            "created" => RelationEvent::Created,
            "joined" => RelationEvent::Joined,
            "changed" => RelationEvent::Changed,
            "departed" => RelationEvent::Departed,
            "broken" => RelationEvent::Broken,
            _ => return None,
        };
        (!endpoint.is_empty()).then_some((endpoint, event))
    }
}

/// A port change requested by `open-port`/`close-port`, applied in order on commit.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model, PortChange};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// emu.call(&ctx.id, "open-port", &["80/tcp".into()], b"");
/// let pending = &emu.model().contexts[ctx.id.as_str()].pending;
/// assert!(matches!(pending.ports.as_slice(), [PortChange::Open(_)]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortChange {
    /// `open-port`.
    Open(PortRange),
    /// `close-port`.
    Close(PortRange),
}

/// Writes to one bag: `None` deletes the key (an empty value in `relation-set`).
///
/// ```
/// let mut writes = charm_emulator::BagWrites::new();
/// writes.insert("host".into(), Some("10.0.0.7".into()));
/// writes.insert("stale".into(), None); // relation-set stale= deletes it
/// assert_eq!(writes["stale"], None);
/// ```
pub type BagWrites = BTreeMap<String, Option<String>>;

/// Buffered relation writes of one relation.
///
/// ```
/// use charm_emulator::RelationWrites;
/// let mut writes = RelationWrites::default();
/// writes.app.insert("endpoint".into(), Some("http://10.0.0.7".into()));
/// assert!(writes.unit.is_empty(), "the unit's bag and the app's are separate");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RelationWrites {
    /// To our unit's bag.
    #[serde(default)]
    pub unit: BagWrites,
    /// To our application's bag.
    #[serde(default)]
    pub app: BagWrites,
}

/// Everything a hook wrote that waits for the hook to succeed.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// emu.call(&ctx.id, "state-set", &["seen=1".into()], b"");
/// let pending = &emu.model().contexts[ctx.id.as_str()].pending;
/// assert_eq!(pending.state["seen"].as_deref(), Some("1"));
/// assert!(emu.model().charm_state.is_empty(), "committed only if the hook succeeds");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pending {
    /// `relation-set`, by relation number.
    #[serde(default)]
    pub relations: BTreeMap<u64, RelationWrites>,
    /// `open-port` / `close-port`, in call order.
    #[serde(default)]
    pub ports: Vec<PortChange>,
    /// `state-set` / `state-delete`.
    #[serde(default)]
    pub state: BagWrites,
}

/// A hook context while its hook runs.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let open = &emu.model().contexts[ctx.id.as_str()];
/// assert_eq!(open.hook.name, "install");
/// assert_eq!(open.remote_app, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OpenContext {
    /// The hook, with its relation resolved.
    pub hook: Hook,
    /// `JUJU_REMOTE_APP`, for relation hooks.
    #[serde(default)]
    pub remote_app: Option<String>,
    /// The action run, for actions.
    #[serde(default)]
    pub action_id: Option<String>,
    /// Buffered writes.
    #[serde(default)]
    pub pending: Pending,
    /// Where this context's tool calls start in the model directory's `history/calls.jsonl`
    /// (set by [`ModelDir`](crate::ModelDir) when the context is saved), so ending a hook
    /// reads only its own calls, not the history.
    #[serde(default)]
    pub calls_offset: Option<u64>,
}

/// An opened context: its id and the environment a hook process gets.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// assert_eq!(ctx.env["JUJU_CONTEXT_ID"], ctx.id.as_str());
/// assert_eq!(ctx.env["JUJU_UNIT_NAME"], "web/0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookContext {
    /// `JUJU_CONTEXT_ID`.
    pub id: ContextId,
    /// The `JUJU_*` and `CHARM_DIR` variables of the hook (without `PATH`, which the
    /// [`Runner`](crate::Runner) adds with the tool directory first).
    pub env: BTreeMap<String, String>,
}

/// `base` with `writes` applied.
pub(crate) fn overlay(base: &Bag, writes: &BagWrites) -> Bag {
    let mut bag = base.clone();
    apply(&mut bag, writes);
    bag
}

/// Applies writes to a bag in place.
pub(crate) fn apply(bag: &mut Bag, writes: &BagWrites) {
    for (k, v) in writes {
        match v {
            Some(v) => bag.insert(k.clone(), v.clone()),
            None => bag.remove(k),
        };
    }
}

/// The environment Juju gives a hook, as listed in the hook-tool contract.
pub(crate) fn hook_env(
    model: &Model,
    id: &ContextId,
    context: &OpenContext,
) -> BTreeMap<String, String> {
    let hook = &context.hook;
    let charm_dir = model
        .charm_dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let mut env = BTreeMap::new();
    let mut set = |k: &str, v: &str| {
        env.insert(k.to_owned(), v.to_owned());
    };
    set("CHARM_DIR", &charm_dir);
    set("JUJU_CHARM_DIR", &charm_dir);
    set("JUJU_CONTEXT_ID", id.as_str());
    set(
        "JUJU_HOOK_NAME",
        if hook.is_action() { "" } else { &hook.name },
    );
    set("JUJU_DISPATCH_PATH", &hook.dispatch_path());
    set("JUJU_UNIT_NAME", &model.unit);
    set("JUJU_MODEL_NAME", &model.model_name);
    set("JUJU_MODEL_UUID", &model.model_uuid);
    set("JUJU_MACHINE_ID", &model.machine_id);
    set("JUJU_AVAILABILITY_ZONE", &model.availability_zone);
    set("JUJU_VERSION", &model.juju_version);
    set("JUJU_PRINCIPAL_UNIT", &model.principal_unit);
    set("JUJU_CHARM_HTTP_PROXY", &model.proxies.http);
    set("JUJU_CHARM_HTTPS_PROXY", &model.proxies.https);
    set("JUJU_CHARM_FTP_PROXY", &model.proxies.ftp);
    set("JUJU_CHARM_NO_PROXY", &model.proxies.no_proxy);
    if let Some(rel) = hook.relation {
        let endpoint = model
            .relations
            .get(&rel)
            .map(|r| r.endpoint.clone())
            .unwrap_or_default();
        set("JUJU_RELATION", &endpoint);
        set("JUJU_RELATION_ID", &format!("{endpoint}:{rel}"));
        set(
            "JUJU_REMOTE_UNIT",
            hook.remote_unit.as_deref().unwrap_or(""),
        );
        set(
            "JUJU_REMOTE_APP",
            context.remote_app.as_deref().unwrap_or(""),
        );
        if let Some(departing) = &hook.departing_unit {
            set("JUJU_DEPARTING_UNIT", departing);
        }
    }
    if let Some(action_id) = &context.action_id {
        set("JUJU_ACTION_NAME", &hook.name);
        set("JUJU_ACTION_UUID", action_id);
    }
    crate::contract::add_env(model, hook, &mut env);
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_events_are_recognised() {
        assert_eq!(
            Hook::new("db-relation-departed").relation_event(),
            Some(("db", RelationEvent::Departed))
        );
        assert_eq!(
            Hook::new("my-db-relation-created").relation_event(),
            Some(("my-db", RelationEvent::Created))
        );
        assert_eq!(Hook::new("install").relation_event(), None);
        assert_eq!(Hook::new("db-relation-exploded").relation_event(), None);
        assert_eq!(
            Hook::action("db-relation-changed", JsonMap::new()).relation_event(),
            None
        );
    }

    #[test]
    fn overlay_sets_and_deletes() {
        let base = Bag::from([("a".into(), "1".into()), ("b".into(), "2".into())]);
        let writes = BagWrites::from([("a".into(), None), ("c".into(), Some("3".into()))]);
        let out = overlay(&base, &writes);
        assert_eq!(
            out,
            Bag::from([("b".into(), "2".into()), ("c".into(), "3".into())])
        );
    }
}

//! [`Unit`]: the context every handler receives.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::ConfigMap;
use crate::endpoint::{Bag, Endpoint, Relation};
use crate::error::Result;
use crate::flags::FlagState;
use crate::hook::HookEnv;
use crate::juju::{Juju, LogLevel, Port, Status, StatusKind};
use crate::registry::{Charm, Registry};
use crate::store::Snapshot;

// Keys of the framework's own data in the unit state.
const KV_CONFIG: &str = "config.previous";
pub(crate) const KV_STATUS: &str = "status.unit";
pub(crate) const KV_APP_STATUS: &str = "status.application";
const KV_PORTS: &str = "ports";
const KV_PUBLISHED: &str = "published";
/// Whether the last successful hook sent relation data or port changes that Juju may not
/// have committed (a hook killed after our commit): then this hook checks Juju's view.
const KV_UNCONFIRMED: &str = "juju.unconfirmed";
const KV_ONLY_ONCE: &str = "only_once.";
const KV_FILE_HASH: &str = "file_hash.";
/// The flag set in `pre-series-upgrade` and cleared in `post-series-upgrade`, as
/// charms.reactive does (flags.py@1.5.3 `_manage_upgrade_flags`).
pub const UPGRADE_SERIES_FLAG: &str = "upgrade.series.in-progress";
/// Environment variable: the address to publish ports on when the compose file names none.
pub const HOST_IP_ENV: &str = "CHARM_DOCKER_HOST_IP";

/// The hook context a handler receives: flags, config, status, ports, endpoints, hook tools.
///
/// Writes that Juju buffers until the hook succeeds (ports, relation data) are collected here
/// and sent once at hook end, only if every handler succeeded; flags and the framework's data
/// are committed at the same moment. `status-set` and `juju-log` take effect during the hook,
/// as in Juju (logs are batched into as few calls as possible).
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     flags("app.configured"),
///     allow(unread("app.configured")),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("config-changed")]
///     fn configure(unit: &mut Unit) -> Result<()> {
///         let config = unit.config()?; // typed, from config.yaml
///         let rendered = unit.charm_path("files/app.conf"); // in the charm directory
///         unit.log().info(format!("rendering {}", rendered.display()));
///         unit.flags().set(flags::APP_CONFIGURED);
///         let message = format!("{} serves on {}", unit.name(), config.port);
///         unit.status().active(message)
///     }
/// }
/// ```
pub struct Unit {
    charm: &'static Charm,
    pub(crate) env: HookEnv,
    pub(crate) juju: Juju,
    pub(crate) flags: FlagState,
    pub(crate) kv: BTreeMap<String, Value>,
    pub(crate) config: ConfigMap,
    pub(crate) previous_config: Option<ConfigMap>,
    pub(crate) endpoints: crate::endpoint_store::Endpoints,
    /// Desired unit data per relation id (what we publish).
    pub(crate) publish: BTreeMap<String, Bag>,
    pub(crate) ports: BTreeSet<Port>,
    /// What the last successful hook published and opened.
    sent_publish: BTreeMap<String, Bag>,
    sent_ports: BTreeSet<Port>,
    pub(crate) is_leader: Option<bool>,
    pub(crate) logs: Vec<(LogLevel, String)>,
    pub(crate) log_level: LogLevel,
    pub(crate) config_flags: Vec<String>,
    /// The status Juju shows, kept outside the hook's transaction.
    pub(crate) status_memo: crate::status_memo::StatusMemo,
    /// What the facets buffer until hook end (leader settings, application data).
    pub(crate) pending: crate::facets::pending::Pending,
    /// The hook's Docker engine, connected on first use (see [`crate::DockerUnit`]).
    #[cfg(feature = "docker")]
    pub(crate) docker: Option<Box<dyn crate::DockerBackend>>,
    /// Why the engine could not be reached, once tried: one connection attempt per hook.
    #[cfg(feature = "docker")]
    pub(crate) docker_failure: Option<crate::compose::EngineFailure>,
}

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit")
            .field("hook", &self.env.hook)
            .field("unit", &self.env.unit_name)
            .field("flags", &self.flags.set_names())
            .finish_non_exhaustive()
    }
}

impl Unit {
    /// Prepares a hook: loads config (one `config-get`), raises config flags, refreshes
    /// endpoints when a relation hook says they changed.
    pub(crate) fn start(
        registry: &Registry,
        env: HookEnv,
        juju: Juju,
        snapshot: Snapshot,
        log_level: LogLevel,
    ) -> Result<Self> {
        let charm = registry.charm;
        let flags = FlagState::new(
            registry.flags.clone(),
            registry.triggers.clone(),
            &snapshot.flags,
        );
        let mut kv = snapshot.kv;
        let previous_config = stored(&kv, KV_CONFIG);
        let endpoints = crate::endpoint_store::Endpoints::load(&env.charm_dir, &mut kv);
        // What the last successful hook published and opened: the baseline of this hook's
        // diffs, read once.
        let sent_publish: BTreeMap<String, Bag> = stored(&kv, KV_PUBLISHED).unwrap_or_default();
        let sent_ports: BTreeSet<Port> = stored::<Vec<String>>(&kv, KV_PORTS)
            .map(|list| list.iter().filter_map(|p| p.parse().ok()).collect())
            .unwrap_or_default();
        let status_memo = crate::status_memo::StatusMemo::load(&env.charm_dir);
        let mut unit = Self {
            status_memo,
            charm,
            env,
            juju,
            flags,
            kv,
            config: ConfigMap::new(),
            previous_config,
            endpoints,
            publish: sent_publish.clone(),
            ports: sent_ports.clone(),
            sent_publish,
            sent_ports,
            is_leader: None,
            logs: Vec::new(),
            log_level,
            config_flags: Vec::new(),
            pending: Default::default(),
            #[cfg(feature = "docker")]
            docker: None,
            #[cfg(feature = "docker")]
            docker_failure: None,
        };
        if crate::hook::is_restricted(&unit.env.hook) {
            // Juju's restricted context (no config-get, relation or port tools) and
            // charms.reactive's restricted mode: the last committed config and the endpoint
            // snapshot stand in, and nothing is flushed but logs.
            unit.config = unit.previous_config.clone().unwrap_or_default();
            return Ok(unit);
        }
        unit.load_config()?;
        crate::facets::leader::start(&mut unit)?;
        unit.refresh_endpoints()?;
        match unit.env.hook.as_str() {
            "pre-series-upgrade" => unit.flags.set(UPGRADE_SERIES_FLAG, Value::Null),
            "post-series-upgrade" => unit.flags.clear(UPGRADE_SERIES_FLAG),
            _ => {}
        }
        crate::storage::manage_flags(&mut unit)?;
        Ok(unit)
    }

    fn load_config(&mut self) -> Result<()> {
        if self.charm.config.is_empty() {
            return Ok(());
        }
        self.config = self.juju.config_get_all()?;
        crate::config::validate(self.charm, &self.config)?;
        let flags = crate::config::flags_for(
            self.charm.config,
            &self.config,
            self.previous_config.as_ref(),
        );
        for flag in &flags {
            self.flags.set(flag, Value::Null);
        }
        self.config_flags = flags;
        Ok(())
    }

    /// Brings each endpoint's snapshot up to date, reading from Juju only what this hook can
    /// have changed:
    ///
    /// - on `install` / `upgrade-charm`, or with no snapshot: everything (`relation-ids`, then
    ///   `relation-list` and a `relation-get` per unit and for the application);
    /// - in the endpoint's own relation hooks: only the remote unit the hook names and the
    ///   remote application's bag (`-joined` / `-changed`), nothing for `-departed` (the unit
    ///   leaves the snapshot) and `-broken` (the relation does). Juju runs `-changed` for each
    ///   remote unit whose settings changed since the unit last saw them, `-joined` (then
    ///   `-changed`) for each new one, `-changed` with no remote unit for the application's
    ///   bag, and `-departed` for each one that left
    ///   (juju/juju `internal/worker/uniter/relation/resolver.go@12baae6d`
    ///   `nextHookForRelation`); the versions it compares are recorded only when a hook
    ///   succeeds, and a failed hook is retried before any other, as our snapshot is
    ///   committed only when a hook succeeds: the other units' stored data stays what Juju
    ///   last delivered;
    /// - in other hooks: nothing, its flags managed from the summary.
    ///
    /// Bags stored with a secret as a marker are read again (those bags only) whenever the
    /// endpoint's data is read, so handlers see the real value.
    fn refresh_endpoints(&mut self) -> Result<()> {
        let hook = self.env.hook.clone();
        let relation_hook = crate::hook::relation_hook(self.charm, &hook);
        let resync = matches!(hook.as_str(), "install" | "upgrade-charm");
        for def in self.charm.endpoints {
            let this_hook = relation_hook.is_some_and(|(ep, _)| ep == def.name);
            let kind = relation_hook.map(|(_, kind)| kind).filter(|_| this_hook);
            let known = self.endpoints.has(def.name);
            if known && !resync {
                if let Some(kind) = kind {
                    if let Some(endpoint) = self.read_incrementally(def, kind)? {
                        self.apply_endpoint(def, endpoint, Some(kind), true)?;
                        continue;
                    }
                } else {
                    // Not re-read, but its flags are managed in every hook as charms.reactive
                    // does (endpoints.py@1.5.3 `_manage_flags`): `joined` follows the units,
                    // `departed` is cleared while joined.
                    self.manage_stored_endpoint(def)?;
                    continue;
                }
            }
            let endpoint = self.read_endpoint(def, relation_hook)?;
            self.apply_endpoint(def, endpoint, kind, true)?;
        }
        Ok(())
    }

    /// Reads every relation of `def` from Juju.
    fn read_endpoint(
        &mut self,
        def: &crate::registry::EndpointDef,
        relation_hook: Option<(&str, &str)>,
    ) -> Result<Endpoint> {
        let mut endpoint = Endpoint::new(def.name, def.interface);
        endpoint.local_unit = self.env.unit_name.clone();
        let broken = match (&self.env.relation, relation_hook) {
            (Some(rel), Some((ep, "broken"))) if ep == def.name => Some(rel.id.clone()),
            _ => None,
        };
        for id in self.juju.relation_ids(def.name)? {
            if broken.as_deref() == Some(id.as_str()) {
                continue; // a broken relation is gone for the charm
            }
            let rel = self.read_relation(&id, None)?;
            endpoint.relations.push(rel);
        }
        Ok(endpoint)
    }

    fn read_relation(&mut self, id: &str, app: Option<String>) -> Result<Relation> {
        let app = match app {
            Some(app) => Some(app),
            None => self.juju.relation_app(id).ok().flatten(),
        };
        let mut rel = Relation {
            id: id.to_owned(),
            app,
            ..Relation::default()
        };
        for unit in self.juju.relation_list(id)? {
            let bag = self.juju.relation_get(id, &unit, false)?;
            rel.units.insert(unit, bag);
        }
        if let Some(app) = rel.app.clone() {
            rel.app_data = self.juju.relation_get(id, &app, true).unwrap_or_default();
        }
        Ok(rel)
    }

    /// The stored snapshot of `def` updated with what this relation hook can have changed;
    /// `None` when the hook's relation is not in the snapshot (then it is all read again).
    fn read_incrementally(
        &mut self,
        def: &crate::registry::EndpointDef,
        kind: &str,
    ) -> Result<Option<Endpoint>> {
        let Some(ctx) = self.env.relation.clone() else {
            return Ok(None);
        };
        let Some(mut endpoint) = self.endpoints.get(def.name)?.cloned() else {
            return Ok(None);
        };
        let at = endpoint.relations.iter().position(|r| r.id == ctx.id);
        match (kind, at) {
            ("broken", Some(at)) => {
                endpoint.relations.remove(at);
            }
            ("broken", None) => {}
            ("created", None) => {
                let app = ctx.remote_app.clone();
                let rel = self.read_relation(&ctx.id, app)?;
                endpoint.relations.push(rel);
            }
            ("departed", Some(at)) => {
                if let Some(unit) = &ctx.remote_unit {
                    endpoint.relations[at].units.remove(unit);
                }
            }
            ("created" | "joined" | "changed", Some(at)) => {
                let rel = &mut endpoint.relations[at];
                if rel.app.is_none() {
                    rel.app = ctx.remote_app.clone();
                }
                if let Some(unit) = &ctx.remote_unit {
                    let bag = self.juju.relation_get(&ctx.id, unit, false)?;
                    endpoint.relations[at].units.insert(unit.clone(), bag);
                }
                if let Some(app) = endpoint.relations[at].app.clone() {
                    endpoint.relations[at].app_data = self
                        .juju
                        .relation_get(&ctx.id, &app, true)
                        .unwrap_or_default();
                }
            }
            _ => return Ok(None),
        }
        let fresh = ctx.remote_unit.as_deref();
        self.reread_redacted(def.name, &mut endpoint, Some(&ctx.id), fresh)?;
        Ok(Some(endpoint))
    }

    /// Reads again from Juju the bags stored with a secret as a marker (but the one this hook
    /// has just read).
    fn reread_redacted(
        &mut self,
        name: &str,
        endpoint: &mut Endpoint,
        fresh_relation: Option<&str>,
        fresh_unit: Option<&str>,
    ) -> Result<()> {
        let redacted = self
            .endpoints
            .summary(name)
            .map(|s| s.redacted.clone())
            .unwrap_or_default();
        for (id, who) in redacted {
            let Some(rel) = endpoint.relations.iter_mut().find(|r| r.id == id) else {
                continue;
            };
            let fresh = fresh_relation == Some(id.as_str());
            if rel.app.as_deref() == Some(who.as_str()) {
                if !fresh {
                    rel.app_data = self.juju.relation_get(&id, &who, true).unwrap_or_default();
                }
            } else if rel.units.contains_key(&who) && !(fresh && fresh_unit == Some(who.as_str())) {
                let bag = self.juju.relation_get(&id, &who, false)?;
                rel.units.insert(who, bag);
            }
        }
        Ok(())
    }

    /// Manages the flags of an endpoint this hook does not read, from its summary (its
    /// stored data is read only where the flags depend on it, or holds secrets).
    fn manage_stored_endpoint(&mut self, def: &crate::registry::EndpointDef) -> Result<()> {
        let Some(summary) = self.endpoints.summary(def.name).cloned() else {
            return Ok(());
        };
        let follows_published =
            def.kind.flags_read_published && !def.kind.role(def.role).flags.is_empty();
        if follows_published || !summary.redacted.is_empty() {
            // pgsql's availability follows what this hook publishes; secrets are read again.
            let Some(mut endpoint) = self.endpoints.get(def.name)?.cloned() else {
                return Ok(());
            };
            let reread = !summary.redacted.is_empty();
            self.reread_redacted(def.name, &mut endpoint, None, None)?;
            return self.apply_endpoint(def, endpoint, None, reread);
        }
        let name = def.name;
        let joined = summary.relations.iter().any(|r| r.units > 0);
        let joined_flag = format!("endpoint.{name}.joined");
        if joined {
            self.flags.set(&joined_flag, Value::Null);
            self.flags.clear(&format!("endpoint.{name}.departed"));
        } else {
            self.flags.clear(&joined_flag);
        }
        for (flag, on) in &summary.flags {
            if *on {
                self.flags.set(flag, Value::Null);
            } else {
                self.flags.clear(flag);
            }
        }
        Ok(())
    }

    fn apply_endpoint(
        &mut self,
        def: &crate::registry::EndpointDef,
        endpoint: Endpoint,
        kind: Option<&str>,
        reread: bool,
    ) -> Result<()> {
        let name = def.name;
        // Compared with secrets as hash markers, as the snapshot keeps them.
        let old = self.endpoints.get(name)?.map(crate::redact::redact);
        let changed =
            crate::endpoint::changed_keys(old.as_ref(), &crate::redact::redact(&endpoint));
        if !changed.is_empty() {
            self.flags
                .set(&format!("endpoint.{name}.changed"), Value::Null);
            for key in &changed {
                self.flags
                    .set(&format!("endpoint.{name}.changed.{key}"), Value::Null);
            }
        }
        let joined = format!("endpoint.{name}.joined");
        if endpoint.is_joined() {
            self.flags.set(&joined, Value::Null);
        } else {
            self.flags.clear(&joined);
        }
        let departed = format!("endpoint.{name}.departed");
        if kind == Some("departed") {
            self.flags.set(&departed, Value::Null);
        } else if endpoint.is_joined() {
            self.flags.clear(&departed);
        }
        // What the interface publishes unless the charm did (pgsql: the database it wants).
        let defaults = crate::endpoint::default_published(def, self.app_name());
        for (key, value) in &defaults {
            for id in endpoint.relation_ids() {
                self.publish
                    .entry(id.to_owned())
                    .or_default()
                    .entry((*key).to_owned())
                    .or_insert_with(|| value.clone());
            }
        }
        let published = endpoint
            .relation_ids()
            .next()
            .and_then(|id| self.publish.get(id))
            .cloned()
            .unwrap_or_default();
        let mut warnings = Vec::new();
        let interface_flags =
            crate::endpoint::interface_flags(def, &endpoint, &published, &mut warnings);
        for (flag, on) in &interface_flags {
            if *on {
                self.flags.set(flag, Value::Null);
            } else {
                self.flags.clear(flag);
            }
        }
        // Invalid remote data is reported when it is read, not again in every hook.
        for warning in warnings.into_iter().filter(|_| reread) {
            self.push_log(LogLevel::Warning, warning);
        }
        // Drop what we published on relations that no longer exist.
        let live: BTreeSet<&str> = endpoint.relation_ids().collect();
        let stale: Vec<String> = self
            .endpoints
            .relation_ids(name)
            .into_iter()
            .filter(|id| !live.contains(id.as_str()))
            .collect();
        for id in stale {
            self.publish.remove(&id);
        }
        self.endpoints.set_flags(name, &interface_flags);
        self.endpoints.insert(name, endpoint);
        Ok(())
    }

    // ----- the unit itself (everything else is a facet: see `crate::facets`) -----

    /// The unit's name, e.g. `voting-app/0`.
    pub fn name(&self) -> &str {
        &self.env.unit_name
    }

    /// The application's name (for the framework; charms use `unit.app().name()`).
    pub(crate) fn app_name(&self) -> &str {
        self.env
            .unit_name
            .split('/')
            .next()
            .unwrap_or(&self.env.unit_name)
    }

    /// The charm directory; relative paths of the charm resolve against it.
    pub fn charm_dir(&self) -> &Path {
        &self.env.charm_dir
    }

    /// The charm's static description.
    #[doc(hidden)]
    pub fn charm(&self) -> &'static Charm {
        self.charm
    }

    // ----- framework data -----

    pub(crate) fn only_once_ran(&self, handler: &str) -> bool {
        self.kv.contains_key(&format!("{KV_ONLY_ONCE}{handler}"))
    }

    pub(crate) fn mark_only_once(&mut self, handler: &str) {
        self.kv
            .insert(format!("{KV_ONLY_ONCE}{handler}"), Value::Bool(true));
    }

    /// Tests `when_file_changed` for `handler`: true if a file's content differs from the
    /// one this handler last ran with (a missing file has no content). Testing changes
    /// nothing; [`Unit::record_files`] records the contents when the handler runs.
    pub(crate) fn files_changed(&self, handler: &str, paths: &[&str]) -> bool {
        paths.iter().any(|path| {
            let slot = format!("{KV_FILE_HASH}{handler}:{path}");
            self.kv.get(&slot).unwrap_or(&Value::Null) != &self.file_hash(path)
        })
    }

    /// Records the contents `handler` ran with, committed with the hook.
    pub(crate) fn record_files(&mut self, handler: &str, paths: &[&str]) {
        for path in paths {
            let hash = self.file_hash(path);
            self.kv
                .insert(format!("{KV_FILE_HASH}{handler}:{path}"), hash);
        }
    }

    fn file_hash(&self, path: &str) -> Value {
        std::fs::read(self.env.charm_dir.join(path))
            .map(|bytes| Value::String(hex(&Sha256::digest(bytes))))
            .unwrap_or(Value::Null)
    }

    /// Everything a handler can observe through the framework, as bytes: set flags and their
    /// values, the flags changed in the last iteration, stored data (with `data_changed`
    /// and file hashes and only_once marks), the contents of `files`, the relation data to
    /// publish and the ports. Two iterations that start from equal states run the same.
    pub(crate) fn observable_state(&self, files: &[&str]) -> Result<Vec<u8>> {
        let mut changes: Vec<&str> = self
            .flags
            .changes
            .iter()
            .map(|id| self.flags.name(*id))
            .collect();
        changes.sort_unstable();
        changes.dedup();
        let contents: Vec<Value> = files.iter().map(|f| self.file_hash(f)).collect();
        let ports: Vec<String> = self.ports.iter().map(Port::to_string).collect();
        Ok(serde_json::to_vec(&(
            self.flags.to_map(),
            changes,
            &self.kv,
            &contents,
            &self.publish,
            ports,
        ))?)
    }

    // ----- config -----

    /// This hook's raw config values, for the typed `unit.config()` that `#[charm]`
    /// generates from config.yaml (the only config access charms have).
    pub(crate) fn config_map(&self) -> &ConfigMap {
        &self.config
    }

    /// The values committed by the last successful hook (`None` on the first hook).
    pub(crate) fn previous_config_map(&self) -> Option<&ConfigMap> {
        self.previous_config.as_ref()
    }

    // ----- status -----

    pub(crate) fn set_status(
        &mut self,
        slot: &str,
        kind: StatusKind,
        message: String,
        app: bool,
    ) -> Result<()> {
        let status = Status { kind, message };
        let value = serde_json::to_value(&status)?;
        // The memo follows Juju, not this hook's transaction (see `status_memo`).
        if self.status_memo.get(slot) == Some(&value) {
            return Ok(());
        }
        self.status_memo.forget(slot)?;
        self.juju.status_set(&status, app)?;
        self.status_memo.record(slot, value)
    }

    // ----- leadership -----

    /// Whether this unit is the leader (asked once per hook).
    pub(crate) fn leader_cached(&mut self) -> Result<bool> {
        if let Some(leader) = self.is_leader {
            return Ok(leader);
        }
        let leader = self.juju.is_leader()?;
        self.is_leader = Some(leader);
        Ok(leader)
    }

    // ----- logs and tools -----

    /// Queues a log line (see [`Log`](crate::facets::Log)).
    pub(crate) fn push_log(&mut self, level: LogLevel, message: String) {
        if level >= self.log_level {
            self.logs.push((level, message));
        }
    }

    /// The typed hook tools, for what the framework does not wrap. Each call is a round trip
    /// to the unit agent.
    pub fn juju(&mut self) -> &mut Juju {
        &mut self.juju
    }

    /// Path of a file in the charm directory.
    pub fn charm_path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.env.charm_dir.join(relative)
    }

    // ----- end of hook -----

    /// Sends the buffered writes (relation data, ports), then returns the snapshot to commit.
    /// Only called when every handler succeeded.
    pub(crate) fn flush(&mut self) -> Result<Snapshot> {
        if crate::hook::is_restricted(&self.env.hook) {
            // No relation or port tool here, and charms.reactive's restricted mode runs no
            // exit work: only the data is kept.
            self.endpoints.commit(&mut self.kv)?;
            return Ok(Snapshot {
                version: 0,
                flags: self.flags.to_map(),
                kv: self.kv.clone(),
            });
        }
        // Juju's view is asked for (one `relation-get` per relation we publish on, one
        // `opened-ports`) when the last hook sent something Juju may have dropped, or when
        // this hook has something to send; a steady-state hook asks nothing. A state from
        // before the marker counts as unconfirmed.
        let verify = self.kv.get(KV_UNCONFIRMED) != Some(&Value::Bool(false));
        let mut sent = self.flush_relation_data(verify)?;
        crate::facets::pending::flush(self)?;
        sent |= self.flush_ports(verify)?;
        self.kv.insert(KV_UNCONFIRMED.to_owned(), Value::Bool(sent));
        // layer-basic clears every config flag of every option at a successful hook's end,
        // whoever set it (lib/charms/layer/basic.py `clear_config_states`), after
        // charms.reactive dropped its triggers: no trigger fires.
        // An action runs no config handler (only its own: see `facets::action`), so it
        // leaves a config change, and its flags, to the next hook.
        let action = self.env.hook.starts_with("actions/");
        if !action {
            self.config_flags.clear();
            for flag in crate::config::flag_names(self.charm) {
                self.flags.clear_quietly(&flag);
            }
        }
        if !self.charm.config.is_empty() && !action {
            // Secret options as hash markers: no password in the state file.
            let stored = crate::config::for_storage(&self.config);
            self.kv
                .insert(KV_CONFIG.to_owned(), serde_json::to_value(&stored)?);
        }
        // Secrets never reach the unit state files (see `redact`); each endpoint's data is
        // in a file of its own, written only when this hook replaced it.
        self.endpoints.commit(&mut self.kv)?;
        self.kv.insert(
            KV_PUBLISHED.to_owned(),
            serde_json::to_value(&self.publish)?,
        );
        let ports: Vec<String> = self.ports.iter().map(Port::to_string).collect();
        self.kv
            .insert(KV_PORTS.to_owned(), serde_json::to_value(ports)?);
        Ok(Snapshot {
            version: 0,
            flags: self.flags.to_map(),
            kv: self.kv.clone(),
        })
    }

    /// Diffs against our own unit's bag as Juju has it (one `relation-get` per relation we
    /// publish on), so a hook killed after our commit but before Juju's still converges;
    /// skipped for a bag that did not change when Juju confirmed the last one (`verify`
    /// false). Returns whether anything was sent.
    fn flush_relation_data(&mut self, verify: bool) -> Result<bool> {
        let unit = self.env.unit_name.clone();
        let mut sent = false;
        for (id, bag) in &self.publish {
            let before = self.sent_publish.get(id);
            if bag.is_empty() && before.is_none_or(Bag::is_empty) {
                continue;
            }
            if !verify && before == Some(bag) {
                continue;
            }
            let juju_bag = self.juju.relation_get(id, &unit, false)?;
            let diff = crate::juju_view::relation_diff(&juju_bag, before, bag);
            if !diff.is_empty() {
                self.juju.relation_set(id, &diff, false)?;
                sent = true;
            }
        }
        Ok(self.flush_app_keys()? | sent)
    }

    /// The keys an interface mirrors into the application bag ([`Interface::app_keys`], e.g.
    /// a pgsql client's request), from the leader.
    fn flush_app_keys(&mut self) -> Result<bool> {
        let mut ids = Vec::new();
        for def in self.charm.endpoints {
            let keys = (def.kind.app_keys)(def.role);
            if !keys.is_empty() {
                ids.extend(
                    self.endpoints
                        .relation_ids(def.name)
                        .into_iter()
                        .map(|id| (id, keys)),
                );
            }
        }
        if ids.is_empty() || !self.leader_cached()? {
            return Ok(false);
        }
        let mut sent = false;
        let app = self.app_name().to_owned();
        for (id, keys) in ids {
            let request: Bag = self
                .publish
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if request.is_empty() {
                continue;
            }
            let juju_bag = self.juju.relation_get(&id, &app, true)?;
            let diff = crate::juju_view::relation_diff(&juju_bag, None, &request);
            if !diff.is_empty() {
                self.juju.relation_set(&id, &diff, true)?;
                sent = true;
            }
        }
        Ok(sent)
    }

    /// Diffs against Juju's `opened-ports` (one call whenever the charm has or had ports),
    /// never opening a range that overlaps one open now (Juju refuses it even when this hook
    /// closes the other): such an open waits for the next hook. Skipped when the ports did
    /// not change and Juju confirmed the last ones (`verify` false). Returns whether Juju's
    /// view may differ from ours after this hook (something sent or deferred).
    fn flush_ports(&mut self, verify: bool) -> Result<bool> {
        if self.ports.is_empty() && self.sent_ports.is_empty() {
            return Ok(false); // a charm without ports: no calls at all
        }
        if !verify && self.ports == self.sent_ports {
            return Ok(false);
        }
        let opened: BTreeSet<Port> = self.juju.opened_ports()?.into_iter().collect();
        let plan = crate::juju_view::plan_ports(&opened, &self.ports);
        let sent = !plan.close.is_empty() || !plan.open.is_empty() || !plan.deferred.is_empty();
        for port in plan.close {
            self.juju.close_port(port)?;
        }
        for port in plan.open {
            self.juju.open_port(port)?;
        }
        if !plan.deferred.is_empty() {
            let list: Vec<String> = plan.deferred.iter().map(Port::to_string).collect();
            self.push_log(
                LogLevel::Info,
                format!(
                    "opening {} in the next hook: it overlaps a port closed in this one, which Juju refuses",
                    list.join(", ")
                ),
            );
        }
        Ok(sent)
    }

    /// Sends the batched log lines: consecutive lines of one level go in one call.
    pub(crate) fn flush_logs(&mut self) {
        let logs = std::mem::take(&mut self.logs);
        let mut batch: Option<(LogLevel, String)> = None;
        for (level, message) in logs {
            match &mut batch {
                Some((l, text)) if *l == level => {
                    text.push('\n');
                    text.push_str(&message);
                }
                _ => {
                    if let Some((l, text)) = batch.take() {
                        self.send_log(l, &text);
                    }
                    batch = Some((level, message));
                }
            }
        }
        if let Some((l, text)) = batch {
            self.send_log(l, &text);
        }
    }

    fn send_log(&mut self, level: LogLevel, text: &str) {
        if self.juju.juju_log(level, text).is_err() {
            // juju-log itself failing leaves stderr, which Juju also records.
            eprintln!("{}: {text}", level.as_str());
        }
    }

    pub(crate) fn tool_calls(&self) -> u32 {
        self.juju.calls()
    }
}

impl From<u16> for Port {
    fn from(port: u16) -> Self {
        Port::Tcp(port)
    }
}

/// A value of the framework's data, if present and of the expected shape.
fn stored<T: DeserializeOwned>(kv: &BTreeMap<String, Value>, key: &str) -> Option<T> {
    kv.get(key)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

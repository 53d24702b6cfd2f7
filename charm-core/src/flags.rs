//! Flag state during one hook: what is set, what changed, and the triggers.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::registry::{FlagId, Interner, Trigger};

/// The flags of one hook, indexed by interned id.
#[derive(Debug, Clone)]
pub(crate) struct FlagState {
    pub names: Interner,
    /// `Some(value)` when set (`Value::Null` for a flag without value).
    values: Vec<Option<Value>>,
    triggers: Vec<Trigger>,
    /// Flags that changed (set or cleared) during the current iteration.
    pending: Vec<FlagId>,
    /// Flags that changed during the previous iteration.
    pub changes: Vec<FlagId>,
    /// A flag was cleared since the dispatcher last looked: re-test the current queue.
    pub cleared: bool,
    /// Every change made during the hook, in order, for the trace.
    pub log: Vec<(FlagId, bool)>,
}

impl FlagState {
    pub fn new(names: Interner, triggers: Vec<Trigger>, stored: &BTreeMap<String, Value>) -> Self {
        let mut state = Self {
            values: vec![None; names.len()],
            names,
            triggers,
            pending: Vec::new(),
            changes: Vec::new(),
            cleared: false,
            log: Vec::new(),
        };
        for (name, value) in stored {
            let id = state.id(name);
            state.values[id] = Some(value.clone());
        }
        state
    }

    /// The id of `name`, interning flags made at run time (e.g. `endpoint.x.changed.<key>`).
    pub fn id(&mut self, name: &str) -> FlagId {
        let id = self.names.intern(name);
        if id >= self.values.len() {
            self.values.resize(id + 1, None);
        }
        id
    }

    pub fn is_set_id(&self, id: FlagId) -> bool {
        self.values.get(id).is_some_and(Option::is_some)
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.names.get(name).is_some_and(|id| self.is_set_id(id))
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.names
            .get(name)
            .and_then(|id| self.values.get(id))
            .and_then(Option::as_ref)
    }

    /// Sets `name` (with `value`); a flag that was not set counts as a change and fires triggers.
    pub fn set(&mut self, name: &str, value: Value) {
        let id = self.id(name);
        self.set_id(id, value);
    }

    fn set_id(&mut self, id: FlagId, value: Value) {
        let was_set = self.values[id].replace(value).is_some();
        if !was_set {
            self.changed(id, true);
        }
    }

    pub fn clear(&mut self, name: &str) {
        let id = self.id(name);
        self.clear_id(id);
    }

    fn clear_id(&mut self, id: FlagId) {
        // Any clear re-tests the rest of the queue, even of a flag that was not set, as
        // charms.reactive's clear_flag does (flags.py@1.5.3 sets `removed_state` always).
        self.cleared = true;
        if self.values[id].take().is_some() {
            self.changed(id, false);
        }
    }

    /// Clears `name` at hook end: no trigger fires and nothing is re-tested (charms.reactive
    /// drops its triggers at exit before layer-basic clears the config flags).
    pub fn clear_quietly(&mut self, name: &str) {
        if let Some(id) = self.names.get(name)
            && let Some(slot) = self.values.get_mut(id)
        {
            *slot = None;
        }
    }

    fn changed(&mut self, id: FlagId, set: bool) {
        self.pending.push(id);
        self.log.push((id, set));
        // Triggers apply synchronously, inside the change that fires them. Collect first:
        // firing borrows self mutably.
        // Every trigger on this change applies its sets before any clear, as charms.reactive
        // merges the triggers of one flag into one record (flags.py@1.5.3, `_get_trigger`).
        let mut to_set: Vec<FlagId> = Vec::new();
        let mut to_clear: Vec<FlagId> = Vec::new();
        for t in self
            .triggers
            .iter()
            .filter(|t| t.flag == id && t.on_set == set)
        {
            for f in &t.set {
                if !to_set.contains(f) {
                    to_set.push(*f);
                }
            }
            for f in &t.clear {
                if !to_clear.contains(f) {
                    to_clear.push(*f);
                }
            }
        }
        for flag in to_set {
            self.set_id(flag, Value::Null);
        }
        for flag in to_clear {
            self.clear_id(flag);
        }
    }

    /// Ends an iteration: its changes become the ones the next iteration watches.
    pub fn end_iteration(&mut self) {
        self.changes = std::mem::take(&mut self.pending);
    }

    /// Whether any of `ids` changed during the previous iteration.
    pub fn any_changed(&self, ids: &[FlagId]) -> bool {
        ids.iter().any(|id| self.changes.contains(id))
    }

    /// The set flags, sorted by name, for persisting.
    pub fn to_map(&self) -> BTreeMap<String, Value> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(id, v)| {
                v.as_ref()
                    .map(|v| (self.names.name(id).to_owned(), v.clone()))
            })
            .collect()
    }

    /// Names of set flags, sorted.
    pub fn set_names(&self) -> Vec<String> {
        self.to_map().into_keys().collect()
    }

    pub fn name(&self, id: FlagId) -> &str {
        self.names.name(id)
    }
}

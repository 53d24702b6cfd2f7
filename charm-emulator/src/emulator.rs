//! [`Emulator`]: the unit agent's side of the hook-tool contract, in process.

use std::collections::BTreeMap;

use crate::context::{
    ContextId, Hook, HookContext, HookKind, OpenContext, PortChange, RelationEvent, apply, hook_env,
};
use crate::error::{Error, Result};
use crate::ids::random_u64;
use crate::model::{ActionRun, ActionStatus, HookRecord, LogSource, Model, Status, ToolCall};
use crate::time::now_rfc3339;
use crate::tools::{self, ToolOutput};

/// The in-process unit agent: opens hook contexts, answers hook-tool calls, and commits or
/// drops each context's buffered writes when its hook ends.
///
/// Every hook tool's semantics live in [`Emulator::call`]; the `charm-emulator` binary (run
/// through a tool symlink) and the [`Runner`](crate::Runner) both go through it.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
///
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// assert_eq!(ctx.env["JUJU_HOOK_NAME"], "install");
///
/// let out = emu.call(&ctx.id, "open-port", &["8080/tcp".into()], b"");
/// assert!(out.success());
/// // Buffered: not committed yet, but Juju >= 3.1 lists the hook's pending changes.
/// let out = emu.call(&ctx.id, "opened-ports", &["--format=json".into()], b"");
/// assert_eq!(out.json().unwrap(), serde_json::json!(["8080/tcp"]));
/// assert!(emu.model().opened_ports.is_empty());
///
/// let done = emu.finish(&ctx.id, true).unwrap();
/// assert!(done.committed);
/// assert_eq!(done.calls.len(), 2);
/// assert_eq!(emu.model().opened_ports.iter().next().unwrap().to_string(), "8080/tcp");
/// ```
#[derive(Debug, Clone)]
pub struct Emulator {
    model: Model,
}

/// What happened to a context when its hook ended.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// call(&mut emu, "open-port", &["80/tcp"]);
/// let finished = emu.finish(&ctx.id, false).unwrap();
/// assert!(!finished.committed, "a failed hook commits nothing");
/// assert!(emu.model().opened_ports.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// The context.
    pub context: ContextId,
    /// The hook or action.
    pub hook: Hook,
    /// The exit code it ended with.
    pub exit_code: i32,
    /// Whether its buffered writes were committed (exit code 0).
    pub committed: bool,
    /// The tool calls it made, in order.
    pub calls: Vec<ToolCall>,
    /// The action run, for an action.
    pub action: Option<ActionRun>,
}

impl Emulator {
    /// An emulator over `model`.
    pub fn new(model: Model) -> Self {
        Self { model }
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model, to arrange a test's world (config, relations, leadership, ...).
    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }

    /// Gives the model back.
    pub fn into_model(self) -> Model {
        self.model
    }

    /// Opens a context for `hook`, as the agent does before starting a hook process.
    ///
    /// For a relation hook (`<endpoint>-relation-<kind>`) the relation must exist; when
    /// `hook.relation` is unset, the only relation on the endpoint is taken. `-joined` and
    /// `-departed` need a remote unit of the relation; `-created` and `-broken` take none.
    /// For `-departed`, `JUJU_DEPARTING_UNIT` defaults to the remote unit. For an action, the
    /// action run starts (one at a time).
    pub fn open_context(&mut self, hook: Hook) -> Result<HookContext> {
        let mut hook = hook;
        validate_hook_name(&hook.name)?;
        if !hook.is_action() && hook.name == "leader-deposed" {
            // Juju knows the hook (hook/hook.go) but never runs it: resignLeadership.Execute
            // only logs "we should run a leader-deposed hook here, but we can't yet"
            // (internal/worker/uniter/operation/leader.go@337f0e1e). A unit that loses
            // leadership sees leader-settings-changed ([`Runner::set_leader`](crate::Runner)).
            return Err(Error::invalid(
                "Juju never runs leader-deposed (the uniter's resignLeadership does not run it); \
                 losing leadership runs leader-settings-changed",
            ));
        }
        if let HookKind::Action { params } = &mut hook.kind {
            self.check_action(&hook.name, params)?;
        }
        let remote_app = self.resolve_relation_details(&mut hook)?;
        crate::contract::check_hook(&self.model, &hook)?;
        let unit = self.model.unit.clone();
        let id = loop {
            let candidate = format!("{unit}-{}-{}", hook.name, random_u64() >> 1);
            if !self.model.contexts.contains_key(&candidate) {
                break ContextId::new(candidate);
            }
        };
        let action_id = match &hook.kind {
            HookKind::Hook => None,
            HookKind::Action { params } => {
                if let Some(running) = &self.model.action {
                    return Err(Error::invalid(format!(
                        "action {:?} (id {}) is still running; one action runs at a time",
                        running.name, running.id
                    )));
                }
                let action_id = self.model.next_action_id.to_string();
                self.model.next_action_id += 1;
                self.model.action = Some(ActionRun {
                    id: action_id.clone(),
                    name: hook.name.clone(),
                    params: params.clone(),
                    results: Default::default(),
                    logs: Vec::new(),
                    status: ActionStatus::Running,
                    message: None,
                    context: id.to_string(),
                });
                Some(action_id)
            }
        };
        let context = OpenContext {
            hook,
            remote_app,
            action_id,
            pending: Default::default(),
            calls_offset: None,
        };
        let env = hook_env(&self.model, &id, &context);
        self.model.contexts.insert(id.to_string(), context);
        Ok(HookContext { id, env })
    }

    /// An action must be declared in actions.yaml (when the model knows the charm), and its
    /// parameters fit the schema; defaults are filled in.
    fn check_action(&self, name: &str, params: &mut crate::model::JsonMap) -> Result<()> {
        if self.model.charm_dir.is_none() {
            return Ok(());
        }
        let spec = self.model.actions.get(name).ok_or_else(|| {
            Error::invalid(format!(
                "action {name:?} not defined on unit {:?} (actions.yaml declares: {})",
                self.model.unit,
                self.model
                    .actions
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        *params = crate::actions::validate_action_params(name, spec, std::mem::take(params))
            .map_err(Error::invalid)?;
        Ok(())
    }

    /// Checks a relation hook against the model, filling in the relation and departing unit;
    /// returns the remote application.
    fn resolve_relation_details(&self, hook: &mut Hook) -> Result<Option<String>> {
        let Some((endpoint, event)) = hook.relation_event() else {
            if hook.relation.is_some()
                || hook.remote_unit.is_some()
                || hook.departing_unit.is_some()
            {
                return Err(Error::invalid(format!(
                    "{:?} is not a relation hook: it takes no relation or remote unit",
                    hook.name
                )));
            }
            return Ok(None);
        };
        let endpoint = endpoint.to_owned();
        let id = match hook.relation {
            Some(id) => id,
            None => {
                let mut on_endpoint = self
                    .model
                    .relations
                    .iter()
                    .filter(|(_, r)| r.endpoint == endpoint);
                match (on_endpoint.next(), on_endpoint.next()) {
                    (Some((id, _)), None) => *id,
                    (None, _) => {
                        return Err(Error::invalid(format!(
                            "hook {:?}: there is no relation on endpoint {endpoint:?}",
                            hook.name
                        )));
                    }
                    (Some(_), Some(_)) => {
                        return Err(Error::invalid(format!(
                            "hook {:?}: several relations on endpoint {endpoint:?}; say which",
                            hook.name
                        )));
                    }
                }
            }
        };
        let rel = self.model.relations.get(&id).ok_or_else(|| {
            Error::invalid(format!(
                "hook {:?}: relation {id} does not exist",
                hook.name
            ))
        })?;
        if rel.endpoint != endpoint {
            return Err(Error::invalid(format!(
                "hook {:?} is for endpoint {endpoint:?}, but relation {}:{id} is on {:?}",
                hook.name, rel.endpoint, rel.endpoint
            )));
        }
        hook.relation = Some(id);
        let needs_unit = matches!(event, RelationEvent::Joined | RelationEvent::Departed);
        let takes_unit = !matches!(event, RelationEvent::Created | RelationEvent::Broken);
        match &hook.remote_unit {
            None if needs_unit => {
                return Err(Error::invalid(format!(
                    "hook {:?} needs a remote unit",
                    hook.name
                )));
            }
            Some(u) if !takes_unit => {
                return Err(Error::invalid(format!(
                    "hook {:?} takes no remote unit (got {u:?})",
                    hook.name
                )));
            }
            Some(u)
                if event != RelationEvent::Departed
                    && rel.remote_units.get(u).is_some_and(|r| r.departing) =>
            {
                return Err(Error::invalid(format!(
                    "remote unit {u:?} has left relation {}:{id}",
                    rel.endpoint
                )));
            }
            Some(u) if !rel.remote_units.contains_key(u) => {
                return Err(Error::invalid(format!(
                    "remote unit {u:?} is not in relation {}:{id} (units: {})",
                    rel.endpoint,
                    rel.remote_units
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            _ => {}
        }
        if event == RelationEvent::Departed {
            if hook.departing_unit.is_none() {
                hook.departing_unit = hook.remote_unit.clone();
            }
            // The departing unit is the remote unit leaving, or this unit itself when it is the
            // one leaving the relation (context.go@06bd0f8f `HookVars`: JUJU_DEPARTING_UNIT).
            let departing = hook.departing_unit.as_deref();
            if departing != hook.remote_unit.as_deref()
                && departing != Some(self.model.unit.as_str())
            {
                return Err(Error::invalid(format!(
                    "hook {:?}: the departing unit must be the remote unit or this unit {:?}, not {:?}",
                    hook.name,
                    self.model.unit,
                    departing.unwrap_or_default()
                )));
            }
        } else if hook.departing_unit.is_some() {
            return Err(Error::invalid(format!(
                "hook {:?}: only -relation-departed has a departing unit",
                hook.name
            )));
        }
        Ok(Some(rel.remote_app.clone()))
    }

    /// Runs hook tool `tool` with `args` (without the tool name) and `stdin` in context `ctx`,
    /// and records the call. Errors are what a charm would see: a non-zero code and
    /// `ERROR ...` on stderr (2 for usage errors, 1 otherwise).
    pub fn call(
        &mut self,
        ctx: &ContextId,
        tool: &str,
        args: &[String],
        stdin: &[u8],
    ) -> ToolOutput {
        tools::invoke(&mut self.model, ctx.as_str(), tool, args, stdin)
    }

    /// Ends context `ctx`: `success` commits its buffered writes, failure drops them and puts
    /// the unit in error (`hook failed: "<hook>"`), as Juju does. See [`Self::finish_with_code`].
    pub fn finish(&mut self, ctx: &ContextId, success: bool) -> Result<Finished> {
        self.finish_with_code(ctx, if success { 0 } else { 1 })
    }

    /// Ends context `ctx` with the hook process's exit code.
    ///
    /// Exit 0 commits relation settings, port changes and charm state; anything else drops
    /// them. A failed hook sets the unit status to `error` / `hook failed: "<hook>"`; the next
    /// successful hook restores the status the charm last set. A failed action is marked
    /// failed (`exit status N`) and does not put the unit in error.
    pub fn finish_with_code(&mut self, ctx: &ContextId, exit_code: i32) -> Result<Finished> {
        let context = self
            .model
            .contexts
            .remove(ctx.as_str())
            .ok_or_else(|| Error::UnknownContext(ctx.to_string()))?;
        let committed = exit_code == 0;
        if committed {
            self.commit(&context);
        }
        crate::contract::finish(&mut self.model, ctx.as_str(), &context.hook, committed);
        let action = context
            .action_id
            .as_ref()
            .and_then(|id| self.end_action(id, exit_code));
        if !context.hook.is_action() {
            self.update_error_status(&context.hook, ctx, committed);
        }
        self.model.hooks.push(HookRecord {
            context: ctx.to_string(),
            dispatch_path: context.hook.dispatch_path(),
            exit_code,
            committed,
            time: now_rfc3339(),
        });
        let calls = self
            .model
            .calls
            .iter()
            .filter(|c| c.context == ctx.as_str())
            .cloned()
            .collect();
        Ok(Finished {
            context: ctx.clone(),
            hook: context.hook,
            exit_code,
            committed,
            calls,
            action,
        })
    }

    fn commit(&mut self, context: &OpenContext) {
        let pending = &context.pending;
        for (id, writes) in &pending.relations {
            // A relation removed while the hook ran takes its writes with it.
            if let Some(rel) = self.model.relations.get_mut(id) {
                apply(&mut rel.local_unit_data, &writes.unit);
                apply(&mut rel.local_app_data, &writes.app);
            }
        }
        for change in &pending.ports {
            match change {
                PortChange::Open(r) => self.model.opened_ports.insert(*r),
                PortChange::Close(r) => self.model.opened_ports.remove(r),
            };
        }
        apply(&mut self.model.charm_state, &pending.state);
    }

    fn end_action(&mut self, id: &str, exit_code: i32) -> Option<ActionRun> {
        let mut action = self.model.action.take_if(|a| a.id == id)?;
        if exit_code != 0 && action.status == ActionStatus::Running {
            action.status = ActionStatus::Failed;
            action.message = Some(format!("exit status {exit_code}"));
        } else if action.status == ActionStatus::Running {
            action.status = ActionStatus::Completed;
        }
        self.model.action_history.push(action.clone());
        Some(action)
    }

    fn update_error_status(&mut self, hook: &Hook, ctx: &ContextId, committed: bool) {
        if !committed {
            let message = format!("hook failed: {:?}", hook.name);
            self.model
                .log(ctx.as_str(), "ERROR", message.clone(), LogSource::Agent);
            self.model.set_unit_status(Status::new("error", message));
        } else if self.model.unit_status.status == "error" {
            // Juju shows the charm's own status again once a hook succeeds.
            let previous = self
                .model
                .workload_status
                .as_ref()
                .map(|s| Status::new(s.status.clone(), s.message.clone()))
                .unwrap_or_else(|| Status::new("unknown", ""));
            self.model.set_unit_status(previous);
        }
    }

    /// Marks the running action of `ctx` failed with `message` (e.g. when there is no
    /// program for it).
    pub(crate) fn fail_action(&mut self, ctx: &ContextId, message: &str) {
        let Some(id) = self
            .model
            .contexts
            .get(ctx.as_str())
            .and_then(|c| c.action_id.clone())
        else {
            return;
        };
        if let Some(action) = self.model.action.as_mut().filter(|a| a.id == id) {
            action.status = ActionStatus::Failed;
            action.message = Some(message.to_owned());
        }
    }

    /// The environment of an open context (as returned by [`Self::open_context`]).
    pub fn context_env(&self, ctx: &ContextId) -> Result<BTreeMap<String, String>> {
        let context = self
            .model
            .contexts
            .get(ctx.as_str())
            .ok_or_else(|| Error::UnknownContext(ctx.to_string()))?;
        Ok(hook_env(&self.model, ctx, context))
    }
}

fn validate_hook_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid hook or action name {name:?}: expected lowercase letters, digits and hyphens"
        )))
    }
}

//! The dispatch trace: which handlers ran, in which phase and iteration, and why.
//!
//! With `CHARM_TRACE=1` every step goes to stderr as it happens; a one-line summary per
//! hook goes to the Juju log at DEBUG.

use crate::bus::Phase;
use crate::registry::{CompiledCond, Handler};
use crate::unit::Unit;

/// One handler run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    /// `None` for the hooks phase, else the iteration.
    pub iteration: Option<usize>,
    /// The handler's name.
    pub handler: &'static str,
    /// Why it ran: its conditions, as they held.
    pub reason: String,
    /// Index into the flag change log where this run started.
    pub(crate) changes_from: usize,
}

/// The trace of one hook.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Every run in order.
    pub entries: Vec<TraceEntry>,
    live: bool,
}

impl Trace {
    pub(crate) fn new(live: bool) -> Self {
        Self {
            entries: Vec::new(),
            live,
        }
    }

    pub(crate) fn ran(&mut self, phase: Phase, handler: &Handler, unit: &Unit) {
        let iteration = match phase {
            Phase::Hooks => None,
            Phase::Other(i) => Some(i),
        };
        let reason = reason(handler, unit);
        if self.live {
            let at = iteration.map_or("hooks".to_owned(), |i| format!("iteration {i}"));
            eprintln!("charm trace: {at}: {} ({reason})", handler.def.name);
        }
        self.entries.push(TraceEntry {
            iteration,
            handler: handler.def.name,
            reason,
            changes_from: unit.flags.log.len(),
        });
    }

    /// Names of handlers in iterations `first..now`, and the flags changed meanwhile.
    pub(crate) fn cycle(
        &self,
        first: usize,
        now: usize,
        unit: &Unit,
    ) -> (Vec<String>, Vec<String>) {
        let mut handlers: Vec<String> = Vec::new();
        let mut from = None;
        for e in &self.entries {
            if e.iteration.is_some_and(|i| (first..now).contains(&i)) {
                from.get_or_insert(e.changes_from);
                if !handlers.iter().any(|h| h == e.handler) {
                    handlers.push(e.handler.to_owned());
                }
            }
        }
        let mut flags: Vec<String> = Vec::new();
        for (id, set) in &unit.flags.log[from.unwrap_or(0)..] {
            let text = format!("{}{}", if *set { "+" } else { "-" }, unit.flags.name(*id));
            if !flags.contains(&text) {
                flags.push(text);
            }
        }
        (handlers, flags)
    }

    /// One line for the Juju log.
    pub fn summary(&self) -> String {
        if self.entries.is_empty() {
            return "dispatch: no handler ran".to_owned();
        }
        let mut out = String::from("dispatch:");
        let mut current: Option<Option<usize>> = None;
        for e in &self.entries {
            if current != Some(e.iteration) {
                current = Some(e.iteration);
                match e.iteration {
                    None => out.push_str(" [hooks]"),
                    Some(i) => out.push_str(&format!(" [{i}]")),
                }
            }
            out.push(' ');
            out.push_str(e.handler);
        }
        out
    }

    /// The handlers that ran, in order.
    pub fn handlers(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.handler).collect()
    }
}

fn reason(handler: &Handler, unit: &Unit) -> String {
    let names = |ids: &[usize]| {
        ids.iter()
            .map(|id| unit.flags.name(*id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    handler
        .conditions
        .iter()
        .map(|c| match c {
            CompiledCond::All(ids) => format!("when {}", names(ids)),
            CompiledCond::Any(ids) => format!("when_any {}", names(ids)),
            CompiledCond::None(ids) => format!("when_not {}", names(ids)),
            CompiledCond::NotAll(ids) => format!("when_not_all {}", names(ids)),
            CompiledCond::Hook(_) => format!("hook {}", unit.hook().name()),
            CompiledCond::OnlyOnce => "only_once".to_owned(),
            CompiledCond::FileChanged(paths) => format!("when_file_changed {}", paths.join(", ")),
            CompiledCond::Action(name) => format!("action {name}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

//! The dispatch bus: charms.reactive 1.5.3's algorithm (bus.py `dispatch`), with its silent
//! 100-iteration cap replaced by an honest failure and cycle detection.
//!
//! 1. Phase "hooks": every `#[hook]` handler and every handler guarded only by
//!    `#[only_once]` / `#[when_file_changed]` is tested once; those that match run (in
//!    charms.reactive every handler is tested in this phase and only the flag conditions
//!    look at the phase). In the restricted hooks `collect-metrics` and
//!    `meter-status-changed` this is the whole dispatch, as in charms.reactive's restricted
//!    mode.
//! 2. Phase "other", iteration 0: every other handler is tested; the matching ones run in
//!    registration order.
//! 3. Iteration n > 0: a handler is tested again only if a flag its conditions mention
//!    changed (set or cleared) during iteration n-1. Handlers without flags (only_once,
//!    when_file_changed) are tested every time.
//! 4. Inside an iteration a set flag only queues handlers for the next iteration; any clear
//!    (even of a flag that was not set) re-tests the rest of the current queue at once, so
//!    nothing runs after its flag was removed.
//! 5. It stops when no handler matches. If the whole state handlers can observe (flags and
//!    their values, the flags changed in the last iteration, stored data with its
//!    `data_changed` and file hashes and only_once marks, the contents of watched files,
//!    relation data to publish, ports) at the start of an iteration repeats an earlier one,
//!    the handlers would loop forever: the hook fails naming the handlers and flags of the
//!    cycle. A dispatch that still runs handlers after 100 iterations without repeating
//!    fails too ("did not settle within 100 iterations"), where charms.reactive would stop
//!    silently with handlers left unrun.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Error, Result};
use crate::registry::{CompiledCond, Handler, Registry};
use crate::trace::Trace;
use crate::unit::Unit;

/// Iterations after which a dispatch that never repeats a state fails: charms.reactive's
/// bound (bus.py@1.5.3 `range(100)`), where it stops silently instead.
const MAX_ITERATIONS: usize = 100;

/// Iterations the "did not settle" error names.
const LAST_SHOWN: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Hooks,
    Other(usize),
}

fn test(reg: &Registry, h: &Handler, unit: &mut Unit, phase: Phase) -> bool {
    match phase {
        Phase::Hooks if !(h.is_hook || h.is_free) => return false,
        Phase::Other(_) if h.is_hook => return false,
        Phase::Other(i)
            if i > 0 && !h.watches.is_empty() && !unit.flags.any_changed(&h.watches) =>
        {
            return false;
        }
        _ => {}
    }
    h.conditions.iter().all(|cond| match cond {
        CompiledCond::All(ids) => ids.iter().all(|id| unit.flags.is_set_id(*id)),
        CompiledCond::Any(ids) => ids.iter().any(|id| unit.flags.is_set_id(*id)),
        CompiledCond::None(ids) => !ids.iter().any(|id| unit.flags.is_set_id(*id)),
        CompiledCond::NotAll(ids) => !ids.iter().all(|id| unit.flags.is_set_id(*id)),
        CompiledCond::Hook(patterns) => patterns
            .iter()
            .any(|p| crate::hook::matches(p, unit.hook().name(), reg.charm)),
        CompiledCond::OnlyOnce => !unit.only_once_ran(h.def.name),
        CompiledCond::FileChanged(paths) => unit.files_changed(h.def.name, paths),
        CompiledCond::Action(name) => unit.hook().name().strip_prefix("actions/") == Some(name),
    })
}

pub(crate) fn invoke(
    reg: &Registry,
    unit: &mut Unit,
    queue: Vec<usize>,
    phase: Phase,
    trace: &mut Trace,
) -> Result<()> {
    let mut queue = queue;
    while !queue.is_empty() {
        unit.flags.cleared = false;
        let index = queue.remove(0);
        let handler = &reg.handlers[index];
        trace.ran(phase, handler, unit);
        let result = catch_unwind(AssertUnwindSafe(|| (handler.def.call)(unit)));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                return Err(Error::Handler {
                    handler: handler.def.name,
                    source: Box::new(err),
                });
            }
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".to_owned());
                return Err(Error::Panic {
                    handler: handler.def.name,
                    message,
                });
            }
        }
        for cond in &handler.conditions {
            match cond {
                CompiledCond::OnlyOnce => unit.mark_only_once(handler.def.name),
                // The handler saw these contents: record them for its next test.
                CompiledCond::FileChanged(paths) => unit.record_files(handler.def.name, paths),
                _ => {}
            }
        }
        if unit.flags.cleared {
            // A clear may have invalidated what is still queued: test it again, now.
            queue.retain(|&i| test(reg, &reg.handlers[i], unit, phase));
        }
    }
    unit.flags.end_iteration();
    Ok(())
}

/// Runs both phases until nothing more matches.
pub(crate) fn dispatch(reg: &Registry, unit: &mut Unit, trace: &mut Trace) -> Result<()> {
    let matching = |unit: &mut Unit, phase| -> Vec<usize> {
        (0..reg.handlers.len())
            .filter(|&i| test(reg, &reg.handlers[i], unit, phase))
            .collect()
    };
    if unit.hook().name().starts_with("actions/") {
        return crate::facets::action::dispatch(reg, unit, trace);
    }
    let hooks = matching(unit, Phase::Hooks);
    invoke(reg, unit, hooks, Phase::Hooks, trace)?;
    if crate::hook::is_restricted(unit.hook().name()) {
        return Ok(());
    }

    let mut files: Vec<&'static str> = Vec::new();
    for h in &reg.handlers {
        for c in &h.conditions {
            if let CompiledCond::FileChanged(paths) = c {
                for path in paths.iter() {
                    if !files.contains(path) {
                        files.push(path);
                    }
                }
            }
        }
    }
    // The observable state at the start of each iteration: a repeat means a cycle.
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    for i in 0.. {
        let phase = Phase::Other(i);
        let queue = matching(unit, phase);
        if queue.is_empty() {
            return Ok(());
        }
        let state = unit.observable_state(&files)?;
        if let Some(&first) = seen.get(&state) {
            return Err(cycle_error(unit, trace, first, i));
        }
        if i >= MAX_ITERATIONS {
            return Err(unsettled_error(unit, trace, i));
        }
        seen.insert(state, i);
        invoke(reg, unit, queue, phase, trace)?;
    }
    Ok(())
}

fn cycle_error(unit: &Unit, trace: &Trace, first: usize, now: usize) -> Error {
    let (handlers, flags) = trace.cycle(first, now, unit);
    Error::Cycle(format!(
        "dispatch does not settle: iteration {now} starts in the state of iteration {first} \
         (same flags, stored data and files), so iterations {first} to {} repeat forever; \
         handlers in the cycle: {}; flags they keep changing: {}",
        now - 1,
        handlers.join(", "),
        flags.join(", ")
    ))
}

fn unsettled_error(unit: &Unit, trace: &Trace, now: usize) -> Error {
    let first = now.saturating_sub(LAST_SHOWN);
    let (handlers, flags) = trace.cycle(first, now, unit);
    Error::Cycle(format!(
        "dispatch did not settle within {MAX_ITERATIONS} iterations (no state repeated, so \
         this is no cycle); last iterations ({first} to {}) ran: {}; flags they changed: {}",
        now - 1,
        handlers.join(", "),
        flags.join(", ")
    ))
}

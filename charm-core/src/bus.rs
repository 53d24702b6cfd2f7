//! The dispatch bus: charms.reactive's algorithm, with its silent 100-iteration cap replaced
//! by cycle detection.
//!
//! 1. Phase "hooks": every `#[hook]` handler is tested once; those that match run.
//! 2. Phase "other", iteration 0: every other handler is tested; the matching ones run in
//!    registration order.
//! 3. Iteration n > 0: a handler is tested again only if a flag its conditions mention
//!    changed (set or cleared) during iteration n-1. Handlers without flags (only_once,
//!    when_file_changed) are tested every time.
//! 4. Inside an iteration a set flag only queues handlers for the next iteration; a cleared
//!    flag re-tests the rest of the current queue at once, so nothing runs after its flag was
//!    removed.
//! 5. It stops when no handler matches. If the flag state at the start of an iteration
//!    repeats an earlier one, the handlers would loop forever: the hook fails with an error
//!    naming the handlers and flags of the cycle.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Error, Result};
use crate::registry::{CompiledCond, FlagId, Handler, Registry};
use crate::trace::Trace;
use crate::unit::Unit;

/// Iterations after which we give up even without a repeated state (flags with values that
/// keep changing could otherwise run forever).
const MAX_ITERATIONS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Hooks,
    Other(usize),
}

fn test(reg: &Registry, h: &Handler, unit: &mut Unit, phase: Phase) -> bool {
    match phase {
        Phase::Hooks if !h.is_hook => return false,
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
            .any(|p| crate::hook::matches(p, unit.hook_name(), reg.charm)),
        CompiledCond::OnlyOnce => !unit.only_once_ran(h.def.name),
        CompiledCond::FileChanged(paths) => unit.files_changed(paths),
    })
}

fn invoke(
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
        if handler
            .conditions
            .iter()
            .any(|c| matches!(c, CompiledCond::OnlyOnce))
        {
            unit.mark_only_once(handler.def.name);
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
    let hooks = matching(unit, Phase::Hooks);
    invoke(reg, unit, hooks, Phase::Hooks, trace)?;

    // Flag state (set flags, flags that changed) at the start of each iteration: a repeat
    // means a cycle.
    let mut seen: HashMap<(Vec<FlagId>, Vec<FlagId>), usize> = HashMap::new();
    for i in 0.. {
        let phase = Phase::Other(i);
        let queue = matching(unit, phase);
        if queue.is_empty() {
            return Ok(());
        }
        let mut changes = unit.flags.changes.clone();
        changes.sort_unstable();
        changes.dedup();
        let state = (set_ids(unit), changes);
        if let Some(&first) = seen.get(&state) {
            return Err(cycle_error(unit, trace, first, i));
        }
        if i >= MAX_ITERATIONS {
            return Err(cycle_error(unit, trace, i.saturating_sub(10), i));
        }
        seen.insert(state, i);
        invoke(reg, unit, queue, phase, trace)?;
    }
    Ok(())
}

fn set_ids(unit: &Unit) -> Vec<FlagId> {
    (0..unit.flags.names.len())
        .filter(|&id| unit.flags.is_set_id(id))
        .collect()
}

fn cycle_error(unit: &Unit, trace: &Trace, first: usize, now: usize) -> Error {
    let (handlers, flags) = trace.cycle(first, now, unit);
    Error::Cycle(format!(
        "dispatch does not settle: iterations {first} to {} repeat forever; handlers in the \
         cycle: {}; flags they keep changing: {}",
        now - 1,
        handlers.join(", "),
        flags.join(", ")
    ))
}

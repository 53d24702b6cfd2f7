//! `open-port`, `close-port` (buffered until the hook succeeds) and `opened-ports`.
//!
//! The checks follow Juju's port-range change recorder
//! (`internal/worker/uniter/runner/context/ports.go@285cce7f`): an open or close that overlaps,
//! without being equal to, a range already recorded for this hook, already open for this unit
//! (even one this hook closes: a pending close does not remove it), or open for another unit
//! on the machine fails with `port range conflicts with ...`; an equal one is a no-op.

use serde_json::Value;

use super::args::{FORMAT, check_empty, parse};
use super::format::render;
use super::{Call, ToolError};
use crate::context::PortChange;
use crate::model::PortRange;

/// `open-port PORT[/PROTOCOL] | FROM-TO[/PROTOCOL] | icmp`.
pub(super) fn open_port(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let range = port_arg(call, args, "open-port")?;
    let unit = call.model.unit.clone();
    let fail = |e: String| ToolError::Failed(format!("cannot open {range} (unit {unit:?}): {e}"));
    let pending = &mut call.context.pending.ports;
    // OpenPortRange: "If a close request is pending for this port, remove it."
    if let Some(i) = pending.iter().position(|c| *c == PortChange::Close(range)) {
        pending.remove(i);
    }
    let opens: Vec<PortRange> = pending
        .iter()
        .filter_map(|c| match c {
            PortChange::Open(r) => Some(*r),
            PortChange::Close(_) => None,
        })
        .collect();
    match conflict(range, &opens, true, &unit, &unit) {
        Check::Same => return Ok(Vec::new()),
        Check::Conflict(e) => return Err(fail(e)),
        Check::Clear => {}
    }
    for (owner, ranges) in machine_ranges(call) {
        match conflict(range, &ranges, false, &owner, &unit) {
            Check::Same => return Ok(Vec::new()),
            Check::Conflict(e) => return Err(fail(e)),
            Check::Clear => {}
        }
    }
    call.context.pending.ports.push(PortChange::Open(range));
    Ok(Vec::new())
}

/// `close-port PORT[/PROTOCOL] | FROM-TO[/PROTOCOL] | icmp`.
pub(super) fn close_port(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let range = port_arg(call, args, "close-port")?;
    let unit = call.model.unit.clone();
    let fail = |e: String| ToolError::Failed(format!("cannot close {range} (unit {unit:?}): {e}"));
    let pending = &mut call.context.pending.ports;
    if let Some(i) = pending.iter().position(|c| *c == PortChange::Open(range)) {
        pending.remove(i);
    }
    let closes: Vec<PortRange> = pending
        .iter()
        .filter_map(|c| match c {
            PortChange::Close(r) => Some(*r),
            PortChange::Open(_) => None,
        })
        .collect();
    match conflict(range, &closes, true, &unit, &unit) {
        Check::Same => return Ok(Vec::new()),
        Check::Conflict(e) => return Err(fail(e)),
        Check::Clear => {}
    }
    let machine = machine_ranges(call);
    for (owner, ranges) in &machine {
        // An equal range of our own is what close-port is for; anything else overlapping fails.
        if let Check::Conflict(e) = conflict(range, ranges, false, owner, &unit) {
            return Err(fail(e));
        }
    }
    // "If it has no open ports then this is a no-op."
    if machine.iter().all(|(_, r)| r.is_empty()) {
        return Ok(Vec::new());
    }
    call.context.pending.ports.push(PortChange::Close(range));
    Ok(Vec::new())
}

enum Check {
    Clear,
    /// The very range, already recorded for this unit: a no-op (Juju's AlreadyExists).
    Same,
    Conflict(String),
}

/// Juju's `checkForConflict`: `ranges` belong to `owner`; `pending` says they are this hook's.
fn conflict(
    incoming: PortRange,
    ranges: &[PortRange],
    pending: bool,
    owner: &str,
    unit: &str,
) -> Check {
    for existing in ranges {
        if !conflicts_with(incoming, *existing) {
            continue;
        }
        if owner == unit && incoming == *existing {
            return Check::Same;
        }
        let earlier = if pending { " requested earlier" } else { "" };
        return Check::Conflict(format!(
            "port range conflicts with {existing} (unit {owner:?}){earlier}"
        ));
    }
    Check::Clear
}

/// `PortRange.ConflictsWith` (core/network/portrange.go@238cc46a): same protocol, overlapping.
fn conflicts_with(a: PortRange, b: PortRange) -> bool {
    a.protocol == b.protocol && a.from <= b.to && b.from <= a.to
}

/// The committed ranges of every unit on the machine, this one first.
fn machine_ranges(call: &Call<'_>) -> Vec<(String, Vec<PortRange>)> {
    let model = &*call.model;
    let mut out = vec![(
        model.unit.clone(),
        model.opened_ports.iter().copied().collect(),
    )];
    for (unit, ranges) in &model.machine_ports {
        if *unit != model.unit {
            out.push((unit.clone(), ranges.iter().copied().collect()));
        }
    }
    out
}

fn port_arg(call: &mut Call<'_>, args: &[String], tool: &str) -> Result<PortRange, ToolError> {
    // `--endpoints a,b` (Juju 2.9+, jujuc/ports.go@0cdccd5f): the range is for those
    // endpoints only. The emulator checks the names (the controller refuses an endpoint the
    // application lacks when the hook commits) but keeps one unit-wide list of ranges.
    let p = parse(&[FORMAT, super::args::Flag::value("endpoints")], args)?;
    if let Some(list) = p.value("endpoints").filter(|l| !l.is_empty()) {
        for endpoint in list.split(',').map(str::trim) {
            if !call.model.endpoints.is_empty() && !call.model.endpoints.contains_key(endpoint) {
                return Err(ToolError::Failed(format!(
                    "{tool}: endpoint {endpoint:?} not found (the charm declares: {})",
                    call.model
                        .endpoints
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    let Some(raw) = p.positional.first() else {
        return Err(ToolError::Usage("no port or range specified".to_owned()));
    };
    let range = raw.parse::<PortRange>().map_err(ToolError::Usage)?;
    check_empty(&p.positional[1..])?;
    call.warn_deprecated_format(&p, tool);
    Ok(range)
}

/// `opened-ports [--format]`, e.g. `["80/tcp","1000-2000/udp","icmp"]`.
///
/// From Juju 3.1 on, the committed ports merged with this hook's pending opens and closes
/// (`ports.go@285cce7f` `OpenedUnitPortRanges` → `mergeWithPendingChanges`, juju/juju PR
/// #15246); before, only the committed ones.
pub(super) fn opened_ports(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    if call.restricted() {
        // RestrictedContext.OpenedPortRanges returns nothing (jujuc/restricted.go@12baae6d).
        return Ok(render(format, &Value::Array(Vec::new())));
    }
    let mut ports = call.model.opened_ports.clone();
    if merges_pending(&call.model.juju_version) {
        for change in &call.context.pending.ports {
            match change {
                PortChange::Open(r) => ports.insert(*r),
                PortChange::Close(r) => ports.remove(r),
            };
        }
    }
    let ports: Vec<Value> = ports.iter().map(|r| Value::String(r.to_string())).collect();
    Ok(render(format, &Value::Array(ports)))
}

/// Whether `version` (`JUJU_VERSION`, e.g. `3.6.0`) is 3.1 or later.
fn merges_pending(version: &str) -> bool {
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (3, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(merges_pending("3.6.0"));
        assert!(merges_pending("3.1.0"));
        assert!(merges_pending("4.0-beta1"));
        assert!(!merges_pending("3.0.3"));
        assert!(!merges_pending("2.9.44"));
    }
}

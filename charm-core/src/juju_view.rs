//! Converging Juju to what the charm wants, from what Juju has: the port and relation-data
//! diffs of the end of a hook.
//!
//! The framework's own record of what it sent is committed with the unit state, a moment
//! before the hook process exits 0 and Juju commits the hook's buffered writes. A hook killed
//! in between leaves the two disagreeing, so the diffs are taken against Juju's view (one
//! `opened-ports`, one `relation-get` of our own unit per relation we publish on), not only
//! against the record.

use std::collections::BTreeSet;

use crate::endpoint::Bag;
use crate::juju::Port;

/// Keys Juju fills in our unit's bag itself: never deleted by the framework.
/// (context.go@06bd0f8f: the uniter writes `private-address`, `ingress-address` and
/// `egress-subnets` for each relation and refreshes them on config-changed.)
pub(crate) const JUJU_OWNED: [&str; 3] = ["egress-subnets", "ingress-address", "private-address"];

/// What to send for ports: closes, opens, and opens deferred to a later hook.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct PortPlan {
    pub close: Vec<Port>,
    pub open: Vec<Port>,
    /// Opens that overlap a range open now: Juju refuses them in this hook even if this hook
    /// closes that range (juju/juju `internal/worker/uniter/runner/context/ports.go@285cce7f`
    /// `OpenPortRange`: the committed ranges of the machine are checked, a pending close does
    /// not remove them), so they are opened by the next hook, once the close is committed.
    pub deferred: Vec<Port>,
}

/// Plans the port changes from what Juju has open to what the charm wants.
pub(crate) fn plan_ports(opened: &BTreeSet<Port>, wanted: &BTreeSet<Port>) -> PortPlan {
    let mut plan = PortPlan {
        close: opened.difference(wanted).copied().collect(),
        ..PortPlan::default()
    };
    for port in wanted.difference(opened) {
        if opened.iter().any(|o| overlaps(*o, *port)) {
            plan.deferred.push(*port);
        } else {
            plan.open.push(*port);
        }
    }
    plan
}

/// `(udp, from, to)` of a TCP/UDP port or range; `None` for ICMP.
fn span(port: Port) -> Option<(bool, u16, u16)> {
    match port {
        Port::Tcp(p) => Some((false, p, p)),
        Port::Udp(p) => Some((true, p, p)),
        Port::Range { from, to, udp } => Some((udp, from, to)),
        Port::Icmp => None,
    }
}

/// `PortRange.ConflictsWith` (core/network/portrange.go@238cc46a): same protocol, overlap.
fn overlaps(a: Port, b: Port) -> bool {
    match (span(a), span(b)) {
        (Some((pa, fa, ta)), Some((pb, fb, tb))) => pa == pb && fa <= tb && fb <= ta,
        (None, None) => true,
        _ => false,
    }
}

/// The `relation-set` diff for one relation: keys whose value Juju does not have yet, and
/// deletions of keys we published before and no longer want (never Juju's own keys).
pub(crate) fn relation_diff(juju_bag: &Bag, sent_before: Option<&Bag>, wanted: &Bag) -> Bag {
    let mut diff: Bag = wanted
        .iter()
        .filter(|(k, v)| juju_bag.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for key in sent_before.into_iter().flat_map(|b| b.keys()) {
        if !wanted.contains_key(key)
            && juju_bag.contains_key(key)
            && !JUJU_OWNED.contains(&key.as_str())
        {
            diff.insert(key.clone(), String::new());
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(list: &[&str]) -> BTreeSet<Port> {
        list.iter().map(|p| p.parse().unwrap()).collect()
    }

    #[test]
    fn a_wider_range_over_a_closed_port_waits_for_the_next_hook() {
        let plan = plan_ports(
            &ports(&["8080/tcp", "53/udp"]),
            &ports(&["8080-8090/tcp", "53/udp"]),
        );
        assert_eq!(plan.close, vec!["8080/tcp".parse().unwrap()]);
        assert!(plan.open.is_empty());
        assert_eq!(plan.deferred, vec!["8080-8090/tcp".parse().unwrap()]);
        // Next hook: 8080 is closed, the range opens.
        let plan = plan_ports(&ports(&["53/udp"]), &ports(&["8080-8090/tcp", "53/udp"]));
        assert_eq!(plan.open, vec!["8080-8090/tcp".parse().unwrap()]);
        // Different protocols never conflict.
        let plan = plan_ports(&ports(&["8080/udp"]), &ports(&["8080/tcp"]));
        assert_eq!(plan.open.len(), 1);
    }

    #[test]
    fn relation_diff_follows_juju_and_keeps_its_keys() {
        let juju: Bag = [
            ("private-address", "10.0.0.1"),
            ("port", "80"),
            ("old", "x"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
        let before: Bag = [
            ("private-address", "127.0.0.1"),
            ("old", "x"),
            ("port", "80"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
        let wanted: Bag = [("port", "80"), ("hostname", "10.0.0.1")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        let diff = relation_diff(&juju, Some(&before), &wanted);
        let expected: Bag = [("hostname", "10.0.0.1"), ("old", "")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        assert_eq!(diff, expected);
    }
}

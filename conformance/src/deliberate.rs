//! The deliberate differences from charms.reactive 1.5.3: the ONE list of them. Each entry
//! names its scenario and checks that both behaviours are the documented ones (the Python
//! side still shows charms.reactive's behaviour, the Rust side ours), so a deliberate
//! difference can neither disappear nor change unnoticed. The book's table
//! (book/src/flags-and-handlers.md) gives the same list with the reasons.

use crate::driver::HookResult;

/// One deliberate difference.
#[derive(Debug)]
pub struct Deliberate {
    /// The scenario's namespace (`sNN`).
    pub scenario: &'static str,
    /// What differs, in a few words (the report line).
    pub short: &'static str,
    /// What differs, and why.
    pub what: &'static str,
    /// Checks both behaviours: `(python, rust)`.
    pub check: fn(&[HookResult], &[HookResult]) -> Result<(), String>,
}

const FILE_HASH: &str = "when_file_changed: each handler sees each change of its files \
    (the contents are recorded for that handler when it runs, committed with the hook); \
    charms.reactive keeps one hash per file, updated whenever the predicate is evaluated \
    (in the hooks phase, in re-tests after a clear, and by its default LogTracer on every \
    flag change), so a change is often consumed by a test that does not run the handler";

const HOOK_RESTRICTED: &str = "in collect-metrics / meter-status-changed, #[hook(\"collect-metrics\")] \
    is charms.reactive's @collect_metrics(); its @hook(\"collect-metrics\") never runs there \
    (restricted mode has no hooks phase)";

const UNSETTLED: &str = "a dispatch that never repeats a state fails after 100 iterations \
    (\"did not settle within 100 iterations\", naming the last handlers); charms.reactive \
    stops silently and commits, with handlers left unrun";

const CYCLE: &str = "a real infinite loop (the whole observable state repeats) fails the hook \
    naming the handlers and flags of the cycle; charms.reactive runs it 100 times and \
    commits silently";

/// Every deliberate difference.
pub const DELIBERATE: &[Deliberate] = &[
    Deliberate {
        scenario: "s15",
        short: "file hash kept per handler until it runs",
        what: FILE_HASH,
        check: file_hash,
    },
    Deliberate {
        scenario: "s16",
        short: "file hash kept per handler until it runs",
        what: FILE_HASH,
        check: file_hash,
    },
    Deliberate {
        scenario: "s17",
        short: "file hash kept per handler until it runs",
        what: FILE_HASH,
        check: file_hash,
    },
    Deliberate {
        scenario: "s18",
        short: "file hash kept per handler until it runs",
        what: FILE_HASH,
        check: file_hash,
    },
    Deliberate {
        scenario: "s56",
        short: "#[hook] of a restricted hook runs",
        what: HOOK_RESTRICTED,
        check: hook_restricted,
    },
    Deliberate {
        scenario: "s50",
        short: "fails after 100 iterations instead of stopping silently",
        what: UNSETTLED,
        check: unsettled,
    },
    Deliberate {
        scenario: "s51",
        short: "a cycle fails the hook, naming it",
        what: CYCLE,
        check: cycle,
    },
];

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

/// Same hooks, success and flags; Rust runs the file handler `*_f` where charms.reactive
/// does not, and otherwise the same handlers.
fn file_hash(py: &[HookResult], rust: &[HookResult]) -> Result<(), String> {
    ensure(py.len() == rust.len(), || "different hook counts".into())?;
    let mut rust_saw_more = false;
    for (p, r) in py.iter().zip(rust) {
        ensure(
            p.hook == r.hook && p.ok == r.ok && p.flags == r.flags,
            || format!("{}: hooks, success or flags differ", p.hook),
        )?;
        let without_f = |v: &[String]| -> Vec<String> {
            v.iter().filter(|h| !h.ends_with("_f")).cloned().collect()
        };
        ensure(without_f(&p.invoked) == without_f(&r.invoked), || {
            format!("{}: handlers other than the file handler differ", p.hook)
        })?;
        let count = |v: &[String]| v.iter().filter(|h| h.ends_with("_f")).count();
        ensure(count(&r.invoked) >= count(&p.invoked), || {
            format!(
                "{}: charms.reactive ran the file handler more often",
                p.hook
            )
        })?;
        rust_saw_more |= count(&r.invoked) > count(&p.invoked);
    }
    ensure(rust_saw_more, || {
        "no hook where only the Rust side saw the change: the difference is gone".into()
    })
}

/// charms.reactive never runs the `hook` handler `*_h` in the restricted hook; Rust does,
/// and sets its flag.
fn hook_restricted(py: &[HookResult], rust: &[HookResult]) -> Result<(), String> {
    let (p, r) = (&py[0], &rust[0]);
    ensure(p.hook == "collect-metrics" && p.ok && r.ok, || {
        "collect-metrics did not run".into()
    })?;
    ensure(!p.invoked.iter().any(|h| h.ends_with("_h")), || {
        "charms.reactive ran @hook(\"collect-metrics\")".into()
    })?;
    ensure(r.invoked.iter().any(|h| h.ends_with("_h")), || {
        "the Rust #[hook(\"collect-metrics\")] did not run".into()
    })?;
    ensure(p.invoked.iter().all(|h| r.invoked.contains(h)), || {
        "the restricted handlers differ".into()
    })
}

/// charms.reactive: the hook succeeds after exactly 100 handler runs (one per iteration);
/// Rust: it fails, saying it did not settle, naming the last handlers.
fn unsettled(py: &[HookResult], rust: &[HookResult]) -> Result<(), String> {
    let (p, r) = (&py[0], &rust[0]);
    ensure(p.ok && p.invoked.len() == 100, || {
        format!(
            "charms.reactive: ok={} after {} runs",
            p.ok,
            p.invoked.len()
        )
    })?;
    ensure(
        !r.ok && r.error.contains("did not settle within 100 iterations"),
        || format!("rust: {}", r.error),
    )?;
    ensure(
        r.error.contains("s50_c099") && r.error.contains("no cycle"),
        || format!("rust error does not name the last handlers: {}", r.error),
    )?;
    ensure(r.invoked == p.invoked, || {
        "the 100 iterations ran differently".into()
    })
}

/// charms.reactive: the hook succeeds after 100 iterations of the loop; Rust: it fails at
/// the first repeated state, naming both handlers and the flag.
fn cycle(py: &[HookResult], rust: &[HookResult]) -> Result<(), String> {
    let (p, r) = (&py[0], &rust[0]);
    ensure(p.ok && p.invoked.len() >= 100, || {
        format!(
            "charms.reactive: ok={} after {} runs",
            p.ok,
            p.invoked.len()
        )
    })?;
    ensure(
        !r.ok
            && r.error.contains("repeat forever")
            && r.error.contains("s51_on")
            && r.error.contains("s51_off")
            && r.error.contains("s51.b"),
        || format!("rust: {}", r.error),
    )?;
    ensure(r.invoked.len() < 10, || {
        "the Rust side did not stop at once".into()
    })
}

/// The entry of scenario `ns`, if its difference is deliberate.
pub fn find(ns: &str) -> Option<&'static Deliberate> {
    DELIBERATE.iter().find(|d| d.scenario == ns)
}

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
    /// What differs, and why.
    pub what: &'static str,
    /// Checks both behaviours: `(python, rust)`.
    pub check: fn(&[HookResult], &[HookResult]) -> Result<(), String>,
}

/// Every deliberate difference.
pub const DELIBERATE: &[Deliberate] = &[];

/// The entry of scenario `ns`, if its difference is deliberate.
pub fn find(ns: &str) -> Option<&'static Deliberate> {
    DELIBERATE.iter().find(|d| d.scenario == ns)
}

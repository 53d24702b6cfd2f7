//! The differential conformance suite of the dispatch bus: every scenario of `scenarios/`
//! runs through the real charms.reactive 1.5.3 (a generated Python charm per scenario,
//! dispatched by charms.reactive's `main()` under layer-basic's config flags, its hook tools
//! those of `charm-emulator`) and through the Rust bus (one generated `#[charm]`, run in
//! process by `charm-testing`'s harness over the same emulator). The suite compares, hook by
//! hook, the handlers invoked in order, the flags persisted and whether the hook succeeded.
//! Expected results are never written by hand: they are what charms.reactive does.
//!
//! Run it with `cargo test -p conformance --test conformance` after
//! `scripts/venv-reactive.sh`.

pub mod deliberate;
pub mod driver;
pub mod python_gen;
pub mod scenario;

use charm_core::{Error, Result, Unit};

/// The file of the charm directory that names the scenario a unit runs.
pub const SCENARIO_FILE: &str = ".scenario";

/// Whether the unit runs scenario `ns` (handlers of other scenarios return at once).
pub fn active(unit: &Unit, ns: &str) -> bool {
    std::fs::read_to_string(unit.charm_path(SCENARIO_FILE)).is_ok_and(|s| s.trim() == ns)
}

#[allow(dead_code)]
fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

#[allow(dead_code)]
fn write(unit: &Unit, path: &str, text: &str) -> Result<()> {
    std::fs::write(unit.charm_path(path), text)
        .map_err(|e| Error::msg(format!("writing {path}: {e}")))
}

#[allow(dead_code)]
fn fail() -> Result<()> {
    Err(Error::msg("scenario failure"))
}

include!(concat!(env!("OUT_DIR"), "/charm.rs"));

//! One scenario per rule of the dispatch algorithm, each asserting the exact sequence of
//! handler invocations.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::{World, record, run, take_log};

// ANCHOR: chaining
/// Rule: a set flag queues its handlers for the NEXT iteration, even handlers
/// registered after the setter; chains run one link per iteration.
#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml",
    flags("a", "b", "c"),
    // The test reads `c` from the committed flags.
    allow(unread("c"))
)]
mod chaining {
    use super::record;
    use charm_core::prelude::*;

    #[when("b")]
    fn third(unit: &mut Unit) -> Result<()> {
        record("third");
        unit.flags().set(flags::C);
        Ok(())
    }

    #[when_not("a")]
    fn first(unit: &mut Unit) -> Result<()> {
        record("first");
        unit.flags().set(flags::A);
        Ok(())
    }

    #[when("a")]
    fn second(unit: &mut Unit) -> Result<()> {
        record("second");
        unit.flags().set(flags::B);
        Ok(())
    }
}

#[test]
fn set_flags_chain_across_iterations_in_registration_order() {
    let dir = tempfile::tempdir().unwrap();
    let world = Rc::new(RefCell::new(World::default()));
    let report = run(&chaining::CHARM, dir.path(), "install", &world);
    report.result.unwrap();
    assert_eq!(take_log(), ["first", "second", "third"]);
    let entries = &report.trace.entries;
    let iterations: Vec<_> = entries.iter().map(|e| e.iteration).collect();
    assert_eq!(iterations, [Some(0), Some(1), Some(2)]);
}

// ANCHOR_END: chaining

/// Rule: a clear re-tests the rest of the current queue at once.
#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml",
    flags("ready", "stopped")
)]
mod clearing {
    use super::record;
    use charm_core::prelude::*;

    #[only_once]
    fn setup(unit: &mut Unit) -> Result<()> {
        record("setup");
        unit.flags().set(flags::READY);
        Ok(())
    }

    #[when("ready")]
    fn stop(unit: &mut Unit) -> Result<()> {
        record("stop");
        unit.flags().clear(flags::READY);
        unit.flags().set(flags::STOPPED);
        Ok(())
    }

    #[when("ready")]
    fn use_ready(_unit: &mut Unit) -> Result<()> {
        record("use_ready");
        Ok(())
    }

    #[when("stopped")]
    fn after_stop(_unit: &mut Unit) -> Result<()> {
        record("after_stop");
        Ok(())
    }
}

#[test]
fn a_clear_retests_the_rest_of_the_queue_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let world = Rc::new(RefCell::new(World::default()));
    run(&clearing::CHARM, dir.path(), "install", &world)
        .result
        .unwrap();
    // use_ready was queued with stop in iteration 1, but stop cleared `ready` first.
    assert_eq!(take_log(), ["setup", "stop", "after_stop"]);
}

/// Rule: iteration 0 tests every handler; later iterations only those whose flags changed.
#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml",
    flags("persistent", "fresh", "other")
)]
mod retesting {
    use super::record;
    use charm_core::prelude::*;

    #[when("persistent")]
    fn on_persistent(unit: &mut Unit) -> Result<()> {
        record("on_persistent");
        // Setting an already-set flag is not a change.
        unit.flags().set(flags::PERSISTENT);
        unit.flags().set(flags::FRESH);
        Ok(())
    }

    #[when("fresh")]
    fn on_fresh(unit: &mut Unit) -> Result<()> {
        record("on_fresh");
        unit.flags().set(flags::OTHER);
        Ok(())
    }

    #[when_any("persistent", "other")]
    fn on_either(_unit: &mut Unit) -> Result<()> {
        record("on_either");
        Ok(())
    }

    #[hook("install")]
    fn install(unit: &mut Unit) -> Result<()> {
        record("install");
        unit.flags().set(flags::PERSISTENT);
        Ok(())
    }
}

#[test]
fn later_iterations_only_retest_handlers_whose_flags_changed() {
    let dir = tempfile::tempdir().unwrap();
    let world = Rc::new(RefCell::new(World::default()));
    run(&retesting::CHARM, dir.path(), "install", &world)
        .result
        .unwrap();
    // Iteration 0: on_persistent, on_either (all tested). Iteration 1: on_fresh (fresh
    // changed); on_persistent is not re-tested (persistent did not change in iteration 0),
    // on_either is not either. Iteration 2: on_either again, because `other` changed.
    assert_eq!(
        take_log(),
        [
            "install",
            "on_persistent",
            "on_either",
            "on_fresh",
            "on_either"
        ]
    );

    // Next hook: flags persisted; iteration 0 runs every matching handler once more.
    run(&retesting::CHARM, dir.path(), "update-status", &world)
        .result
        .unwrap();
    assert_eq!(take_log(), ["on_persistent", "on_fresh", "on_either"]);
}

/// Rule: the hooks phase runs before the other phase, and only for matching hooks.
#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml",
    flags("installed")
)]
mod phases {
    use super::record;
    use charm_core::prelude::*;

    #[when("installed")]
    fn configure(_unit: &mut Unit) -> Result<()> {
        record("configure");
        Ok(())
    }

    #[when("config.changed")]
    fn config_changed(_unit: &mut Unit) -> Result<()> {
        record("config_changed");
        Ok(())
    }

    #[hook("{install,upgrade-charm}")]
    fn install(unit: &mut Unit) -> Result<()> {
        record("install");
        unit.flags().set(flags::INSTALLED);
        Ok(())
    }

    #[hook("stop")]
    fn stop(_unit: &mut Unit) -> Result<()> {
        record("stop");
        Ok(())
    }
}

#[test]
fn hooks_phase_runs_first_and_only_for_its_hook() {
    let dir = tempfile::tempdir().unwrap();
    let world = Rc::new(RefCell::new(World::default()));
    let report = run(&phases::CHARM, dir.path(), "install", &world);
    report.result.unwrap();
    assert_eq!(take_log(), ["install", "configure", "config_changed"]);
    assert_eq!(report.trace.entries[0].iteration, None, "hooks phase");
    run(&phases::CHARM, dir.path(), "config-changed", &world)
        .result
        .unwrap();
    assert_eq!(
        take_log(),
        ["configure"],
        "config unchanged, no hook handler"
    );
}

/// Rule: a cycle is detected and named instead of silently running 100 times.
#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml",
    flags("spinning"),
    // A cycle on purpose: this tests the runtime's detection. The flag graph rejects it at
    // compile time otherwise (ui-tests/tests/ui/graph/unguarded_cycle.rs).
    allow(cycle)
)]
mod cycle {
    use super::record;
    use charm_core::prelude::*;

    #[when_not("spinning")]
    fn spin_up(unit: &mut Unit) -> Result<()> {
        record("spin_up");
        unit.flags().set(flags::SPINNING);
        Ok(())
    }

    #[when("spinning")]
    fn spin_down(unit: &mut Unit) -> Result<()> {
        record("spin_down");
        unit.flags().clear(flags::SPINNING);
        Ok(())
    }
}

#[test]
fn a_cycle_fails_the_hook_naming_handlers_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let world = Rc::new(RefCell::new(World::default()));
    let report = run(&cycle::CHARM, dir.path(), "install", &world);
    let err = report.result.unwrap_err().to_string();
    assert!(err.contains("dispatch does not settle"), "{err}");
    assert!(
        err.contains("cycle::spin_up") && err.contains("cycle::spin_down"),
        "{err}"
    );
    assert!(
        err.contains("+spinning") && err.contains("-spinning"),
        "{err}"
    );
    // Iteration 2 repeats the state of iteration 1 but for the first run: detected at
    // iteration 3, not after 100.
    assert_eq!(take_log(), ["spin_up", "spin_down", "spin_up"]);
    assert!(
        !dir.path().join(charm_core::STATE_FILE).exists(),
        "nothing committed"
    );
}

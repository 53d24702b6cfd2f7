//! A layer in the same crate, a charm building on it, and a trigger. Checks the registry
//! order (the layer's handlers first within an iteration) and that the trigger fires inside
//! `set_flag`.

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

#[charm_core::layer(flags("base.ready"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.ready")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::BASE_READY);
        Ok(())
    }
}

#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.running", "app.stale"),
    layers(crate::base),
    trigger(when = "app.running", clear = "app.stale"),
)]
mod voting {
    use charm_core::prelude::*;

    #[only_once]
    fn mark_stale(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_STALE);
        Ok(())
    }

    // `base.ready` comes from the layer: checked against `base::LAYER.flags` at compile time.
    #[when("base.ready", "app.stale")]
    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RUNNING);
        // The trigger already cleared `app.stale`.
        assert!(!unit.flags().is_set(flags::APP_STALE));
        Ok(())
    }

    #[when_any("app.running", "app.stale")]
    #[when_not_all("app.stale", "base.ready")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status().active("running")
    }
}

fn main() {
    assert_eq!(base::LAYER.flags, ["base.ready"]);
    assert_eq!(voting::CHARM.layer.layers.len(), 1);
    assert_eq!(voting::CHARM.layer.triggers.len(), 1);

    let model = Rc::new(RefCell::new(Model::with_default_config()));
    let dir = tempfile::tempdir().unwrap();
    let report = run_hook(&voting::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    let ran: Vec<String> = handlers_run(&report)
        .iter()
        .map(|n| n.rsplit("::").next().unwrap().to_owned())
        .collect();
    // As charms.reactive 1.5.3 runs it: the `#[only_once]`-only handler in the hooks phase;
    // iteration 0 tests every handler first (base.ready is not set yet), then runs `prepare`
    // and `report`; iteration 1 re-tests those whose flags changed: `start` sets
    // `app.running`, the trigger clears `app.stale`, and the clear re-tests `report`.
    assert_eq!(ran, ["mark_stale", "prepare", "report", "start", "report"]);
    assert_eq!(model.borrow().statuses.len(), 1);
}

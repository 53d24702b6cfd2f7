//! A layer in the same crate, a charm building on it, and a trigger. Checks the registry
//! order (the layer's handlers first) and that the trigger fires inside `set_flag`.

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

#[charm_core::layer(flags("base.ready"))]
mod base {
    use charm_core::prelude::*;

    #[when_not("base.ready")]
    fn prepare(unit: &mut Unit) -> Result<()> {
        unit.set_flag("base.ready");
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
        unit.set_flag("app.stale");
        Ok(())
    }

    // `base.ready` comes from the layer: checked against `base::LAYER.flags` at compile time.
    #[when("base.ready", "app.stale")]
    #[when_not("app.running")]
    fn start(unit: &mut Unit) -> Result<()> {
        unit.set_flag("app.running");
        // The trigger already cleared `app.stale`.
        assert!(!unit.is_flag_set("app.stale"));
        Ok(())
    }

    #[when_any("app.running", "app.stale")]
    #[when_not_all("app.stale", "base.ready")]
    fn report(unit: &mut Unit) -> Result<()> {
        unit.status_active("running")
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
    // The only_once-only handler runs in the hooks phase, as in charms.reactive; `report`
    // runs again once `start` changed `app.running`.
    assert_eq!(ran, ["mark_stale", "prepare", "report", "start", "report"]);
    assert_eq!(model.borrow().statuses.len(), 1);
}

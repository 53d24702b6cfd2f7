//! The examples of charm-macros' documentation, verbatim but for the fixture paths: a
//! proc-macro crate cannot run its own macros in doc tests, so they are compiled and run
//! here. Keep the two in sync. (One charm per crate: one file per example.)

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

/// `#[layer]`'s example.
mod layer_example {
    // ANCHOR: layer
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
        layers(super::base),
        trigger(when = "app.running", clear = "app.stale"),
    )]
    pub mod voting {
        use charm_core::prelude::*;

        #[only_once]
        fn mark_stale(unit: &mut Unit) -> Result<()> {
            unit.flags().set(flags::APP_STALE);
            Ok(())
        }

        // `base.ready` is the layer's: checked against `base::LAYER.flags`
        // at compile time.
        #[when("base.ready", "app.stale")]
        #[when_not("app.running")]
        fn start(unit: &mut Unit) -> Result<()> {
            // The trigger clears `app.stale` right here.
            unit.flags().set(flags::APP_RUNNING);
            Ok(())
        }
    }
    // ANCHOR_END: layer
}

fn short(report: &charm_core::HookReport) -> Vec<String> {
    handlers_run(report)
        .iter()
        .map(|n| n.rsplit("::").next().unwrap().to_owned())
        .collect()
}

fn main() {
    // An `#[only_once]`-only handler runs in the hooks phase, as in charms.reactive; then the
    // flags phase: the layer's handler first, then the charm's; the trigger cleared `app.stale`.
    let model = Rc::new(RefCell::new(Model::with_default_config()));
    let dir = tempfile::tempdir().unwrap();
    let report = run_hook(&layer_example::voting::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    assert_eq!(short(&report), ["mark_stale", "prepare", "start"]);
}

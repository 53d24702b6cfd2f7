//! The `#[sets]` and `#[clears]` examples of charm-macros' documentation, verbatim but for the
//! fixture paths (see doc_example_attributes.rs; doc-check holds the two in sync).

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.ready", "app.running", "app.stopping"),
    allow(unread("app.ready", "app.running")),
)]
mod declared {
    use charm_core::prelude::*;

    #[when_not("app.ready")]
    #[sets("app.ready")]
    fn ready(unit: &mut Unit) -> Result<()> {
        let set = |unit: &mut Unit, flag: Flag| unit.flags().set(flag);
        set(unit, flags::APP_READY); // through a parameter: the graph needs the declaration
        Ok(())
    }

    #[when("app.stopping")]
    #[clears("app.running")]
    fn stop(unit: &mut Unit) -> Result<()> {
        let clear = |unit: &mut Unit, flag: Flag| unit.flags().clear(flag);
        clear(unit, flags::APP_RUNNING); // through a parameter: the graph needs the declaration
        Ok(())
    }

    #[hook("install")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_STOPPING);
        Ok(())
    }
}

fn main() {
    let model = Rc::new(RefCell::new(Model::with_default_config()));
    let dir = tempfile::tempdir().unwrap();
    let report = run_hook(&declared::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    let ran: Vec<String> = handlers_run(&report)
        .iter()
        .map(|n| n.rsplit("::").next().unwrap().to_owned())
        .collect();
    // `#[hook]` handlers run first, then the flag handlers the hook made ready.
    assert_eq!(ran, ["install", "ready", "stop"]);
    let handlers = declared::CHARM.layer.handlers;
    let ready = handlers.iter().find(|h| h.name.ends_with("ready")).unwrap();
    assert_eq!(ready.sets, ["app.ready"]);
    let stop = handlers.iter().find(|h| h.name.ends_with("stop")).unwrap();
    assert_eq!(stop.clears, ["app.running"]);
}

//! Flags and framework data persist across hooks and are committed only by a hook that
//! succeeds; triggers, data_changed, only_once and config flags.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::{World, record, run, take_log};
use serde_json::json;

#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml",
    flags("started", "greeted", "failing", "panicking", "spare", "derived"),
    trigger(when = "started", set = "derived"),
    trigger(when_not = "started", clear = "derived"),
    // The tests read these from the committed flags.
    allow(unread("greeted", "spare", "derived"))
)]
mod app {
    use super::record;
    use charm_core::prelude::*;

    #[only_once]
    fn first_boot(unit: &mut Unit) -> Result<()> {
        record("first_boot");
        unit.flags().set(flags::STARTED);
        Ok(())
    }

    #[when("config.changed.name")]
    fn greet(unit: &mut Unit) -> Result<()> {
        record("greet");
        let config = unit.config()?;
        unit.status().active(format!("Hello, {}!", config.name))?;
        unit.flags().set_value(flags::GREETED, config.name.clone());
        let first = unit.kv().data_changed("name", &config.name)?;
        unit.kv().set("last_change_was_new", first)?;
        Ok(())
    }

    #[hook("stop")]
    fn stop(unit: &mut Unit) -> Result<()> {
        record("stop");
        unit.flags().clear(flags::STARTED);
        Ok(())
    }

    #[when("failing")]
    fn fail(unit: &mut Unit) -> Result<()> {
        record("fail");
        unit.flags().set(flags::SPARE);
        Err(Error::msg("the workload refused"))
    }

    #[when("panicking")]
    fn explode(unit: &mut Unit) -> Result<()> {
        record("explode");
        unit.flags().clear(flags::STARTED);
        panic!("boom")
    }

    #[hook("update-status")]
    fn arm(unit: &mut Unit) -> Result<()> {
        if unit.config()?.name == "fail" {
            unit.flags().set(flags::FAILING);
        }
        if unit.config()?.name == "panic" {
            unit.flags().set(flags::PANICKING);
        }
        Ok(())
    }
}

fn world(name: &str) -> Rc<RefCell<World>> {
    let w = World {
        config: [("name".to_owned(), json!(name))].into(),
        ..World::default()
    };
    Rc::new(RefCell::new(w))
}

fn state(dir: &std::path::Path) -> Vec<u8> {
    std::fs::read(dir.join(charm_core::STATE_FILE)).unwrap()
}

#[test]
fn flags_values_and_data_survive_between_hooks() {
    let dir = tempfile::tempdir().unwrap();
    let w = world("Juju");
    run(&app::CHARM, dir.path(), "install", &w).result.unwrap();
    assert_eq!(take_log(), ["first_boot", "greet"]);
    let text = String::from_utf8(state(dir.path())).unwrap();
    assert!(text.contains("\"greeted\": \"Juju\""), "{text}");
    assert!(
        text.contains("\"derived\""),
        "trigger set derived with started: {text}"
    );
    assert!(
        !text.contains("config.changed"),
        "config flags are cleared at hook end: {text}"
    );
    assert_eq!(w.borrow().statuses, ["active Hello, Juju!"]);

    // Same config: no config.changed, only_once does not run again, status not re-sent.
    run(&app::CHARM, dir.path(), "config-changed", &w)
        .result
        .unwrap();
    assert_eq!(take_log(), Vec::<&str>::new());

    w.borrow_mut().config.insert("name".into(), json!("Rust"));
    run(&app::CHARM, dir.path(), "config-changed", &w)
        .result
        .unwrap();
    assert_eq!(take_log(), ["greet"]);
    assert_eq!(
        w.borrow().statuses,
        ["active Hello, Juju!", "active Hello, Rust!"]
    );

    // stop clears `started`; the trigger clears `derived` with it.
    run(&app::CHARM, dir.path(), "stop", &w).result.unwrap();
    let text = String::from_utf8(state(dir.path())).unwrap();
    assert!(
        !text.contains("\"started\"") && !text.contains("\"derived\""),
        "{text}"
    );
}

#[test]
fn a_failing_handler_leaves_the_state_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let w = world("ok");
    run(&app::CHARM, dir.path(), "install", &w).result.unwrap();
    take_log();
    let before = state(dir.path());

    w.borrow_mut().config.insert("name".into(), json!("fail"));
    let err = run(&app::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "handler `state::app::fail` failed: the workload refused"
    );
    assert_eq!(take_log(), ["greet", "fail"]);
    assert_eq!(state(dir.path()), before, "failed hook committed nothing");

    w.borrow_mut().config.insert("name".into(), json!("panic"));
    let err = run(&app::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "handler `state::app::explode` panicked: boom"
    );
    assert_eq!(
        state(dir.path()),
        before,
        "panicking hook committed nothing"
    );
    take_log();

    // The config change is still pending: the retried hook sees it as changed again.
    w.borrow_mut().config.insert("name".into(), json!("again"));
    run(&app::CHARM, dir.path(), "config-changed", &w)
        .result
        .unwrap();
    assert_eq!(take_log(), ["greet"]);
}

#[test]
fn only_once_is_persisted_only_when_the_hook_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let w = world("fail");
    // install fails after first_boot ran (arm only fires on update-status, so use it).
    let r = run(&app::CHARM, dir.path(), "update-status", &w);
    assert!(r.result.is_err());
    assert_eq!(take_log(), ["first_boot", "greet", "fail"]);
    w.borrow_mut().config.insert("name".into(), json!("fine"));
    run(&app::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap();
    assert_eq!(
        take_log(),
        ["first_boot", "greet"],
        "first_boot runs again: its mark was rolled back"
    );
    run(&app::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap();
    assert_eq!(take_log(), Vec::<&str>::new());
}

#[test]
fn a_config_value_of_the_wrong_type_is_an_error_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let w = world("x");
    w.borrow_mut().config.insert("name".into(), json!(42));
    let err = run(&app::CHARM, dir.path(), "install", &w)
        .result
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "config option `name`: config.yaml declares a string, Juju gave 42"
    );
    assert!(!dir.path().join(charm_core::STATE_FILE).exists());
}

#[test]
fn a_corrupt_state_file_fails_the_hook_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(charm_core::STATE_FILE), b"{\"flags\": 3}").unwrap();
    let w = world("x");
    let err = run(&app::CHARM, dir.path(), "install", &w)
        .result
        .unwrap_err();
    assert!(err.to_string().contains("is corrupt"), "{err}");
    assert_eq!(state(dir.path()), b"{\"flags\": 3}");
}

#[charm_core::charm(
    metadata = "tests/fixtures/doc/metadata.yaml",
    config = "tests/fixtures/doc/config.yaml"
)]
mod watcher {
    use super::record;
    use charm_core::prelude::*;

    #[when_file_changed("watched.txt")]
    fn file_changed(_unit: &mut Unit) -> Result<()> {
        record("file_changed");
        Ok(())
    }

    #[hook("{install,update-status}")]
    fn compare(unit: &mut Unit) -> Result<()> {
        let name = unit.config()?.name;
        if unit.kv().data_changed("greeting", &name)? {
            record("data_changed");
        }
        Ok(())
    }
}

#[test]
fn when_file_changed_and_data_changed_fire_on_change_only() {
    let dir = tempfile::tempdir().unwrap();
    let w = world("a");
    let watched = dir.path().join("watched.txt");
    std::fs::write(&watched, "v1").unwrap();
    run(&watcher::CHARM, dir.path(), "install", &w)
        .result
        .unwrap();
    // A when_file_changed-only handler runs in the hooks phase, in registration order.
    assert_eq!(take_log(), ["file_changed", "data_changed"]);
    run(&watcher::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap();
    assert_eq!(take_log(), Vec::<&str>::new(), "nothing changed");
    std::fs::write(&watched, "v2").unwrap();
    w.borrow_mut().config.insert("name".into(), json!("b"));
    run(&watcher::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap();
    assert_eq!(take_log(), ["file_changed", "data_changed"]);
    std::fs::remove_file(&watched).unwrap();
    run(&watcher::CHARM, dir.path(), "update-status", &w)
        .result
        .unwrap();
    assert_eq!(
        take_log(),
        ["file_changed"],
        "a file that disappears has changed"
    );
}

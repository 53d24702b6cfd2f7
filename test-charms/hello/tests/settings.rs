//! The framework's knobs reach a hook on a real unit through `.charm-settings` in the charm
//! directory, since Juju (and so the emulator) gives a hook no variable of the operator's.

use charm_emulator::Hook;

const CHARM: &str = env!("CARGO_BIN_EXE_hello-charm");

#[test]
fn knobs_come_from_the_charm_settings_file() {
    let unit = charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "hello/0", CHARM);
    // ANCHOR: settings
    std::fs::write(
        unit.charm_dir.join(charm_core::SETTINGS_FILE),
        "# set by the operator\nCHARM_TRACE=1\nCHARM_LOG_LEVEL=INFO\n",
    )
    .unwrap();
    // ANCHOR_END: settings
    let out = unit.runner.run(Hook::new("install")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(
        out.stderr_text().contains("charm trace: iteration 0"),
        "{}",
        out.stderr_text()
    );
    // INFO: the DEBUG dispatch summary is not sent to juju-log.
    assert!(
        !unit
            .model()
            .logs
            .iter()
            .any(|l| l.message.starts_with("dispatch:")),
        "{:?}",
        unit.model().logs
    );
}

#[test]
fn a_bad_settings_file_fails_the_hook_naming_file_and_line() {
    let unit = charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "hello/0", CHARM);
    std::fs::write(
        unit.charm_dir.join(charm_core::SETTINGS_FILE),
        "CHARM_TRACE=1\nCHARM_TRCE=1\n",
    )
    .unwrap();
    let out = unit.runner.run(Hook::new("install")).unwrap();
    assert!(!out.success());
    let err = out.stderr_text();
    assert!(
        err.contains(".charm-settings:2") && err.contains("CHARM_TRCE"),
        "{err}"
    );
}

//! Secrets, storage, resources, goal-state and the Juju version in the feature charm,
//! through the in-process harness.

use charm_testing::Harness;

use crate::features::{self, flags};

fn harness() -> Harness {
    Harness::new(&features::CHARM, env!("CARGO_MANIFEST_DIR"), "features/0").unwrap()
}

#[test]
fn storage_sets_its_flag_and_location() {
    let mut h = harness();
    let (id, out) = h.attach_storage("data").unwrap();
    out.result.as_ref().unwrap();
    assert!(h.is_flag_set(flags::STORAGE_DATA_ATTACHED));
    let dir: String = h.snapshot().unwrap().kv["charm.data-dir"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(std::path::PathBuf::from(dir), h.storage()[&id]);
    h.detach_storage(&id).result.unwrap();
    assert!(!h.is_flag_set(flags::STORAGE_DATA_ATTACHED));
}

#[test]
fn update_status_keeps_a_secret_and_reports_the_model() {
    let mut h = harness();
    // `install` sets its status at the end of the first hook, whichever it is.
    h.run("install").result.unwrap();
    h.run("update-status").result.unwrap();
    assert_eq!(
        h.unit_status().message,
        "1 unit(s), Juju 3.6.0, payload false"
    );
    let secrets = h.secrets();
    assert_eq!(secrets.len(), 1);
    let uri = format!("secret:{}", secrets.keys().next().unwrap());
    assert_eq!(h.secret_content(&uri).unwrap()["token"], "features-s3cret");
    let file = h.charm_dir().join("p.txt");
    std::fs::write(&file, "x").unwrap();
    h.set_resource("payload", &file).unwrap();
    h.set_juju_version("3.1.7");
    h.run("update-status").result.unwrap();
    assert_eq!(
        h.unit_status().message,
        "1 unit(s), Juju 3.1.7, payload true"
    );
    assert_eq!(h.secrets().len(), 1, "made once");
}

//! charm-core's typed wrappers of the secret, storage, resource, goal-state, credential and
//! endpoint-port tools against the emulator's real tool processes: each call is a process
//! started from PATH, as on a unit, and its output parsed into the typed answer.

mod common;

use std::time::Duration;

use charm_core::juju::Port;
use charm_core::secrets::{Expire, Rotate, SecretContent, SecretOptions, SecretOwner, SecretRead};
use charm_core::{SecretLabel, StorageKind};
use charm_emulator::{Hook, InitOptions, ModelDir};
use common::juju_in;

fn setup() -> (tempfile::TempDir, ModelDir) {
    let tmp = tempfile::tempdir().unwrap();
    let charm = tmp.path().join("charm");
    std::fs::create_dir_all(&charm).unwrap();
    std::fs::write(
        charm.join("metadata.yaml"),
        "name: web\nrequires:\n  db:\n    interface: pgsql\nstorage:\n  data:\n    type: filesystem\n    multiple:\n      range: 1-3\nresources:\n  blob:\n    type: file\n    filename: blob.bin\n",
    )
    .unwrap();
    let dir = ModelDir::init(&InitOptions {
        model_dir: tmp.path().join("model"),
        charm_dir: charm,
        unit: "web/0".into(),
        leader: true,
        tool_executable: charm_testing::emulator_binary(),
    })
    .unwrap();
    (tmp, dir)
}

const LABEL: SecretLabel = SecretLabel::new("api-token");

#[test]
fn secret_wrappers_run_as_processes_and_parse() {
    let (_tmp, dir) = setup();
    let rel = dir
        .transact(|emu| {
            let m = emu.model_mut();
            let id = m.add_relation("db", "postgresql")?;
            m.relations
                .get_mut(&id)
                .unwrap()
                .remote_units
                .insert("postgresql/0".into(), Default::default());
            Ok(id)
        })
        .unwrap();
    let ctx = dir
        .transact(|emu| emu.open_context(Hook::new("install")))
        .unwrap();
    let mut juju = juju_in(&dir, &ctx);
    let content = SecretContent::new().with("token", "t0p-s3cret").unwrap();
    let options = SecretOptions {
        label: Some(LABEL),
        description: Some("-starts with a dash".into()),
        expire: Some(Expire::In(Duration::from_secs(3600))),
        rotate: Some(Rotate::Weekly),
        owner: SecretOwner::Application,
    };
    let id = juju.secret_add(&content, &options).unwrap();
    let got = juju
        .secret_get(Some(&id), None, SecretRead::Tracked)
        .unwrap();
    assert_eq!(got.get("token").unwrap().expose(), "t0p-s3cret");
    let got = juju
        .secret_get(None, Some("api-token"), SecretRead::Peek)
        .unwrap();
    assert_eq!(got.keys().collect::<Vec<_>>(), ["token"]);
    let info = juju.secret_info_get(Some(&id), None).unwrap();
    assert_eq!(
        (info.revision, info.label.as_str(), info.owner.as_str()),
        (1, "api-token", "application")
    );
    assert_eq!(info.rotation.as_deref(), Some("weekly"));
    assert_eq!(info.description.as_deref(), Some("-starts with a dash"));
    assert!(info.expiry.is_some());
    let two = SecretContent::new().with("token", "s3cond").unwrap();
    juju.secret_set(&id, Some(&two), &SecretOptions::default())
        .unwrap();
    assert_eq!(
        juju.secret_info_get(None, Some("api-token"))
            .unwrap()
            .revision,
        2
    );
    assert_eq!(juju.secret_ids().unwrap(), std::slice::from_ref(&id));
    juju.secret_grant(&id, &format!("db:{rel}"), Some("postgresql/0"))
        .unwrap();
    juju.secret_revoke(&id, None, Some("postgresql/0")).unwrap();
    juju.secret_remove(&id, Some(1)).unwrap();
    // No value ever on a command line.
    let model = dir.load().unwrap();
    for call in &model.calls {
        assert!(!call.args.iter().any(|a| a.contains("s3c")), "{call:?}");
    }
    dir.transact(|emu| emu.finish(&ctx.id, true).map(drop))
        .unwrap();
    let secret = &dir.load().unwrap().contract.secrets[id.unique_id()];
    assert_eq!(secret.revisions.keys().copied().collect::<Vec<_>>(), [2]);
    assert_eq!(secret.content(2).unwrap()["token"], "s3cond");
    // An error names the tool and Juju's refusal.
    let ctx = dir
        .transact(|emu| emu.open_context(Hook::new("update-status")))
        .unwrap();
    let mut juju = juju_in(&dir, &ctx);
    let err = juju
        .secret_grant(&id, "db:99", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("secret-grant") && err.contains("relation not found"),
        "{err}"
    );
}

#[test]
fn storage_resource_goal_state_credential_and_port_wrappers() {
    let (tmp, dir) = setup();
    let blob = tmp.path().join("source.bin");
    std::fs::write(&blob, b"bytes").unwrap();
    let id = dir
        .transact(|emu| {
            let m = emu.model_mut();
            m.contract.resources.insert("blob".into(), blob.clone());
            m.contract.trusted = true;
            m.attach_storage("data", None)
        })
        .unwrap();
    let hook = Hook::new("data-storage-attached").with_storage(id.clone());
    let ctx = dir.transact(|emu| emu.open_context(hook)).unwrap();
    let mut juju = juju_in(&dir, &ctx);
    let here = juju.storage_get(None).unwrap();
    assert_eq!(here.kind, StorageKind::Filesystem);
    assert!(here.location.is_dir(), "{}", here.location.display());
    assert_eq!(juju.storage_get(Some(&id)).unwrap().location, here.location);
    assert_eq!(
        juju.storage_list(Some("data")).unwrap(),
        std::slice::from_ref(&id)
    );
    juju.storage_add("data", 2).unwrap();
    let err = juju.storage_add("data", 1).unwrap_err().to_string();
    assert!(err.contains("at most 3"), "{err}");
    let path = juju.resource_get("blob").unwrap();
    assert!(
        path.ends_with("resources/blob/blob.bin"),
        "{}",
        path.display()
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"bytes");
    let goal = juju.goal_state().unwrap();
    assert_eq!(goal.units["web/0"].status, "active");
    assert_eq!(goal.expected_units(), 1);
    let spec = juju.credential_get().unwrap();
    assert_eq!(spec.kind, "lxd");
    assert!(format!("{spec:?}").contains("<redacted>"));
    juju.open_port_for(Port::Tcp(8443), &["db"]).unwrap();
    let err = juju
        .open_port_for(Port::Tcp(8444), &["nope"])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("open-port") && err.contains("\"nope\""),
        "{err}"
    );
    // The hook's environment, as charm-core reads it.
    let env = charm_core::HookEnv::from_lookup(
        |k| ctx.env.get(k).cloned().filter(|v| !v.is_empty()),
        None,
    )
    .unwrap();
    let storage = env.contract.storage.unwrap();
    assert_eq!(
        (storage.id.as_str(), storage.location),
        (id.as_str(), here.location)
    );
    assert_eq!(env.contract.juju_version.as_deref(), Some("3.6.0"));
    dir.transact(|emu| emu.finish(&ctx.id, true).map(drop))
        .unwrap();
    assert_eq!(
        dir.load().unwrap().contract.storage_to_attach,
        ["data/1", "data/2"]
    );
}

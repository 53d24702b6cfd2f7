//! Secrets, storage, resources, goal-state and credentials through the real tool
//! executables (the symlinks in the model's `bin/`), with Juju's rules and refusals. Each
//! behaviour cites the juju/juju source it follows (see `src/contract.rs` and
//! `src/tools/secret.rs`, `storage.rs`, `contract.rs`).

mod common;

use std::collections::BTreeMap;

use charm_emulator::Hook;
use common::{Fixture, text, write_executable};
use serde_json::json;

const METADATA: &str = "\
name: web
requires:
  db:
    interface: pgsql
storage:
  data:
    type: filesystem
  logs:
    type: filesystem
    multiple:
      range: 1-2
resources:
  payload:
    type: file
    filename: payload.tar.gz
  manual:
    type: file
    filename: manual.pdf
";

/// A charm with storage and resources, initialised with the CLI as a user would.
fn fixture(leader: bool, dispatch: Option<&str>) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let charm = tmp.path().join("charm");
    std::fs::create_dir_all(&charm).unwrap();
    std::fs::write(charm.join("metadata.yaml"), METADATA).unwrap();
    if let Some(script) = dispatch {
        write_executable(&charm.join("dispatch"), script);
    }
    let model = tmp.path().join("model");
    let f = Fixture { tmp, charm, model };
    let charm_arg = f.charm.to_str().unwrap().to_owned();
    let mut args = vec!["init", "--charm", &charm_arg, "--unit", "web/0"];
    if leader {
        args.push("--leader");
    }
    let out = f.cli(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    f
}

fn fails(f: &Fixture, ctx: &charm_emulator::ContextId, tool: &str, args: &[&str]) -> (i32, String) {
    let out = f.tool(ctx, tool, args);
    assert!(!out.status.success(), "{tool} {args:?} should fail");
    (out.status.code().unwrap_or(-1), text(&out.stderr))
}

fn stdout(f: &Fixture, ctx: &charm_emulator::ContextId, tool: &str, args: &[&str]) -> String {
    text(&f.ok(ctx, tool, args).stdout)
}

/// secret-add.go: the URI on stdout; the owner reads the latest revision; a failed hook's
/// secret never existed (the context flushes secret creates only on success).
#[test]
fn secret_add_get_set_and_the_hook_transaction() {
    let f = fixture(true, None);
    let ctx = f.open(Hook::new("install"));
    let uri = stdout(
        &f,
        &ctx,
        "secret-add",
        &["--label", "db", "password=s3cret", "user=admin"],
    );
    let uri = uri.trim().to_owned();
    assert!(charm_emulator::secret_id(&uri).is_some(), "{uri}");
    // The hook reads its own writes.
    assert_eq!(
        f.json(&ctx, "secret-get", &[&uri, "--format=json"]),
        json!({"password": "s3cret", "user": "admin"})
    );
    assert_eq!(
        f.json(&ctx, "secret-get", &["--label", "db", "--format=json"])["password"],
        "s3cret"
    );
    // secret-get.go's Init: the first argument is always the URI, even with --label.
    let (_, err) = fails(&f, &ctx, "secret-get", &["--label", "db", "password"]);
    assert!(err.contains(r#"secret URI "password" not valid"#), "{err}");
    f.finish(&ctx, false);
    assert!(
        f.load().contract.secrets.is_empty(),
        "dropped with the failed hook"
    );

    let ctx = f.open(Hook::new("install"));
    let uri = stdout(
        &f,
        &ctx,
        "secret-add",
        &["--label", "db", "password=s3cret"],
    );
    let uri = uri.trim().to_owned();
    f.finish(&ctx, true);
    let ctx = f.open(Hook::new("config-changed"));
    f.ok(&ctx, "secret-set", &[&uri, "password=n3w"]);
    // secret-set with the same content makes no revision.
    f.ok(
        &ctx,
        "secret-set",
        &[&uri, "password=n3w", "--description", "the db"],
    );
    assert_eq!(stdout(&f, &ctx, "secret-get", &[&uri, "password"]), "n3w\n");
    let info = f.json(&ctx, "secret-info-get", &[&uri, "--format=json"]);
    let id = charm_emulator::secret_id(&uri).unwrap();
    assert_eq!(info[id]["revision"], 2);
    assert_eq!(info[id]["label"], "db");
    assert_eq!(info[id]["owner"], "application");
    assert_eq!(info[id]["description"], "the db");
    assert_eq!(f.json(&ctx, "secret-ids", &["--format=json"]), json!([id]));
    f.finish(&ctx, true);
    assert_eq!(f.load().contract.secrets[id].latest(), 2);
}

/// createsecret.go@0ffacc32 keys; secret-add.go's Init checks; the leader manages the
/// application's secrets.
#[test]
fn secret_add_refuses_as_juju() {
    let f = fixture(false, None);
    let ctx = f.open(Hook::new("install"));
    let cases: &[(&[&str], i32, &str)] = &[
        (&[], 2, "missing secret value or filename"),
        (&["Password=x"], 2, r#"key "Password" not valid"#),
        (&["pw=x"], 2, r#"key "pw" not valid"#),
        (&["novalue"], 2, r#"key value "novalue" not valid"#),
        (
            &["--rotate", "sometimes", "key=x"],
            2,
            r#"rotate policy "sometimes" not valid"#,
        ),
        (
            &["--expire", "soon", "key=x"],
            2,
            r#"expire time or duration "soon" not valid"#,
        ),
        (
            &["--expire", "-1h", "key=x"],
            2,
            r#"negative expire duration "-1h" not valid"#,
        ),
        (
            &["--owner", "model", "key=x"],
            2,
            r#"secret owner "model" not valid"#,
        ),
        // Not the leader: the application's secrets are not ours to create.
        (&["key=x"], 1, "permission denied"),
    ];
    for (args, code, message) in cases {
        let (got, err) = fails(&f, &ctx, "secret-add", args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A unit may own its own secret, with an expiry and a rotate policy.
    let uri = stdout(
        &f,
        &ctx,
        "secret-add",
        &[
            "--owner", "unit", "--expire", "24h", "--rotate", "daily", "key=x",
        ],
    );
    let info = f.json(&ctx, "secret-info-get", &[uri.trim(), "--format=json"]);
    let id = charm_emulator::secret_id(uri.trim()).unwrap();
    assert_eq!(info[id]["owner"], "unit");
    assert_eq!(info[id]["rotation"], "daily");
    assert!(info[id]["expiry"].as_str().unwrap().ends_with('Z'));
    // The value can come from a file, as ops passes every value (key#file=PATH).
    let file = f.tmp.path().join("v");
    std::fs::write(&file, "from a file").unwrap();
    let arg = format!("key#file={}", file.display());
    let uri = stdout(&f, &ctx, "secret-add", &["--owner", "unit", &arg]);
    assert_eq!(
        stdout(&f, &ctx, "secret-get", &[uri.trim(), "key"]),
        "from a file\n"
    );
    assert_eq!(
        stdout(&f, &ctx, "secret-get", &[uri.trim(), "key#base64"]),
        "ZnJvbSBhIGZpbGU=\n"
    );
    let (_, err) = fails(&f, &ctx, "secret-get", &["secret:nope"]);
    assert!(
        err.contains(r#"secret URI "secret:nope" not valid"#),
        "{err}"
    );
    let (_, err) = fails(&f, &ctx, "secret-get", &[uri.trim(), "--peek", "--refresh"]);
    assert!(
        err.contains("specify one of --peek or --refresh but not both"),
        "{err}"
    );
}

/// secret-get.go: a consumer keeps the revision it first read; --peek reads the latest once,
/// --refresh moves to it. Only the owner changes a secret; reading needs a grant.
#[test]
fn a_consumer_tracks_its_revision() {
    let f = fixture(true, None);
    let content = BTreeMap::from([("token".to_owned(), "one".to_owned())]);
    let (uri, hidden) = f
        .dir()
        .transact(|emu| {
            let m = emu.model_mut();
            Ok((
                m.add_remote_secret("vault", &content, true)?,
                m.add_remote_secret("vault", &content, false)?,
            ))
        })
        .unwrap();
    let ctx = f.open(Hook::new("install"));
    assert_eq!(
        stdout(
            &f,
            &ctx,
            "secret-get",
            &[&uri, "token", "--label", "vault-token"]
        ),
        "one\n"
    );
    f.finish(&ctx, true);
    let two = BTreeMap::from([("token".to_owned(), "two".to_owned())]);
    f.dir()
        .transact(|emu| emu.model_mut().update_secret(&uri, &two).map(drop))
        .unwrap();
    let ctx = f.open(Hook::new("secret-changed").with_secret(&uri, None));
    assert_eq!(
        f.json(
            &ctx,
            "secret-get",
            &["--label", "vault-token", "--format=json"]
        ),
        json!({"token": "one"})
    );
    assert_eq!(
        stdout(&f, &ctx, "secret-get", &[&uri, "token", "--peek"]),
        "two\n"
    );
    assert_eq!(stdout(&f, &ctx, "secret-get", &[&uri, "token"]), "one\n");
    assert_eq!(
        stdout(&f, &ctx, "secret-get", &[&uri, "token", "--refresh"]),
        "two\n"
    );
    assert_eq!(stdout(&f, &ctx, "secret-get", &[&uri, "token"]), "two\n");
    let (code, err) = fails(&f, &ctx, "secret-set", &[&uri, "token=mine"]);
    assert_eq!((code, err.trim()), (1, "ERROR permission denied"));
    let (_, err) = fails(&f, &ctx, "secret-get", &[&hidden]);
    assert!(err.contains("permission denied"), "{err}");
    // Not ours: neither listed nor described.
    assert_eq!(f.json(&ctx, "secret-ids", &["--format=json"]), json!([]));
    let (_, err) = fails(&f, &ctx, "secret-info-get", &[&uri]);
    assert!(err.contains("not found"), "{err}");
    f.finish(&ctx, true);
}

/// secret-grant.go@285cce7f / secret-revoke.go: grants per relation, a unit only of the
/// related application; a removed relation takes its grants.
#[test]
fn grants_follow_relations() {
    let f = fixture(true, None);
    let rel = f
        .dir()
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
    let r = format!("db:{rel}");
    let ctx = f.open(Hook::new("install"));
    let uri = stdout(&f, &ctx, "secret-add", &["pass=x"]);
    let uri = uri.trim();
    let (_, err) = fails(&f, &ctx, "secret-grant", &[uri]);
    assert!(err.contains("no relation id specified"), "{err}");
    let (_, err) = fails(
        &f,
        &ctx,
        "secret-grant",
        &[uri, "-r", &r, "--unit", "mysql/0"],
    );
    assert!(
        err.contains(r#"cannot specify unit "mysql/0" in relation to application "postgresql""#),
        "{err}"
    );
    f.ok(
        &ctx,
        "secret-grant",
        &[uri, "-r", &r, "--unit", "postgresql/0"],
    );
    f.ok(&ctx, "secret-grant", &[uri, "--relation", &r]);
    let id = charm_emulator::secret_id(uri).unwrap();
    let info = f.json(&ctx, "secret-info-get", &[uri, "--format=json"]);
    assert_eq!(info[id]["access"][0]["target"], "application-postgresql");
    assert_eq!(info[id]["access"][1]["target"], "unit-postgresql-0");
    let (_, err) = fails(&f, &ctx, "secret-revoke", &[uri]);
    assert!(
        err.contains("missing relation or application or unit"),
        "{err}"
    );
    f.ok(&ctx, "secret-revoke", &[uri, "--unit", "postgresql/0"]);
    f.finish(&ctx, true);
    assert_eq!(f.load().contract.secrets[id].grants.len(), 1);
    f.dir()
        .transact(|emu| Ok(emu.model_mut().relations.remove(&rel)))
        .unwrap();
    let ctx = f.open(Hook::new("update-status"));
    f.finish(&ctx, true);
    assert!(f.load().contract.secrets[id].grants.is_empty());
    // Only the leader manages the application's secret.
    f.dir()
        .transact(|emu| {
            emu.model_mut().leader = false;
            Ok(())
        })
        .unwrap();
    let ctx = f.open(Hook::new("update-status"));
    for (tool, args) in [
        ("secret-set", vec![uri, "pass=y"]),
        ("secret-remove", vec![uri]),
    ] {
        let (_, err) = fails(&f, &ctx, tool, &args);
        assert!(err.contains("permission denied"), "{tool}: {err}");
    }
    // Still readable by every unit of the owning application.
    assert_eq!(stdout(&f, &ctx, "secret-get", &[uri, "pass"]), "x\n");
}

/// secret-remove.go: a revision or the whole secret, committed with the hook.
#[test]
fn secret_remove_by_revision() {
    let f = fixture(true, None);
    let ctx = f.open(Hook::new("install"));
    let uri = stdout(&f, &ctx, "secret-add", &["pass=1"]);
    let uri = uri.trim();
    f.ok(&ctx, "secret-set", &[uri, "pass=2"]);
    f.ok(&ctx, "secret-remove", &[uri, "--revision", "1"]);
    let (_, err) = fails(&f, &ctx, "secret-remove", &[uri, "--revision", "1"]);
    assert!(err.contains("revision 1"), "{err}");
    f.finish(&ctx, true);
    let id = charm_emulator::secret_id(uri).unwrap().to_owned();
    assert_eq!(
        f.load().contract.secrets[&id]
            .revisions
            .keys()
            .collect::<Vec<_>>(),
        [&2]
    );
    let ctx = f.open(Hook::new("secret-remove").with_secret(uri, Some(1)));
    f.ok(&ctx, "secret-remove", &[uri]);
    f.finish(&ctx, true);
    assert!(f.load().contract.secrets.is_empty());
}

/// context.go `HookVars`: JUJU_SECRET_ID / _LABEL / _REVISION and JUJU_STORAGE_ID /
/// _LOCATION / _KIND reach the hook process.
#[test]
fn secret_and_storage_hooks_get_their_variables() {
    let f = fixture(
        true,
        Some("#!/bin/sh\nenv | grep -E '^JUJU_(SECRET|STORAGE)_' | sort\n"),
    );
    let runner = f.runner();
    let ctx = f.open(Hook::new("install"));
    let uri = stdout(&f, &ctx, "secret-add", &["--label", "tls", "cert=x"]);
    f.finish(&ctx, true);
    let out = runner
        .secret_hook("secret-expired", uri.trim(), Some(3))
        .unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        out.stdout_text(),
        format!(
            "JUJU_SECRET_ID={}\nJUJU_SECRET_LABEL=tls\nJUJU_SECRET_REVISION=3\n",
            uri.trim()
        )
    );
    let out = runner.attach_storage("data", None).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let location = f.model.join("agent/storage/data/0");
    assert!(location.is_dir());
    assert_eq!(
        out.stdout_text(),
        format!(
            "JUJU_STORAGE_ID=data/0\nJUJU_STORAGE_KIND=filesystem\nJUJU_STORAGE_LOCATION={}\n",
            std::path::absolute(&location).unwrap().display()
        )
    );
    // A storage hook names an attached instance of its own storage.
    let err = f
        .dir()
        .transact(|emu| {
            emu.open_context(Hook::new("logs-storage-attached").with_storage("data/0"))
                .map(drop)
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("is about storage \"logs\""),
        "{err}"
    );
    let err = f
        .dir()
        .transact(|emu| emu.open_context(Hook::new("secret-changed")).map(drop))
        .unwrap_err();
    assert!(err.to_string().contains("needs a secret"), "{err}");
}

/// storage-get.go / storage-list / storage-add: the hook's instance by default, `-s` for
/// another; adds wait for the hook to commit and respect `multiple.range`.
#[test]
fn storage_tools_and_ordering() {
    let f = fixture(true, None);
    let runner = f.runner();
    runner.attach_storage("logs", None).unwrap();
    let ctx = f.open(Hook::new("logs-storage-attached").with_storage("logs/0"));
    assert_eq!(stdout(&f, &ctx, "storage-get", &["kind"]), "filesystem\n");
    let all = f.json(&ctx, "storage-get", &["--format=json"]);
    assert!(
        all["location"]
            .as_str()
            .unwrap()
            .ends_with("agent/storage/logs/0"),
        "{all}"
    );
    f.finish(&ctx, true);
    let ctx = f.open(Hook::new("install"));
    let (code, err) = fails(&f, &ctx, "storage-get", &[]);
    assert_eq!(
        (code, err.trim()),
        (2, "ERROR no storage instance specified")
    );
    let (_, err) = fails(&f, &ctx, "storage-get", &["-s", "logs/9"]);
    assert!(
        err.contains(r#"storage instance "logs/9" not found"#),
        "{err}"
    );
    let (_, err) = fails(&f, &ctx, "storage-get", &["-s", "logs/0", "size"]);
    assert!(err.contains(r#"invalid storage attribute "size""#), "{err}");
    assert_eq!(stdout(&f, &ctx, "storage-list", &[]), "logs/0\n");
    let (_, err) = fails(&f, &ctx, "storage-add", &["cache"]);
    assert!(err.contains(r#"charm storage "cache" not found"#), "{err}");
    let (_, err) = fails(&f, &ctx, "storage-add", &["logs=2"]);
    assert!(err.contains("at most 2"), "{err}");
    f.ok(&ctx, "storage-add", &["logs=1"]);
    assert_eq!(
        stdout(&f, &ctx, "storage-list", &["logs"]),
        "logs/0\n",
        "not before the commit"
    );
    f.finish(&ctx, true);
    let attached = runner.attach_requested_storage().unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].hook.name, "logs-storage-attached");
    assert_eq!(
        f.load().contract.storage.keys().collect::<Vec<_>>(),
        ["logs/0", "logs/1"]
    );
    let out = runner.detach_storage("logs/0").unwrap();
    assert!(out.success());
    assert_eq!(
        f.load().contract.storage.keys().collect::<Vec<_>>(),
        ["logs/1"]
    );
    // Deployed with storage: its -storage-attached runs before install.
    let hooks: Vec<String> = runner
        .deploy()
        .unwrap()
        .into_iter()
        .map(|o| o.hook.name)
        .collect();
    assert_eq!(
        hooks,
        [
            "logs-storage-attached",
            "install",
            "leader-elected",
            "config-changed",
            "start"
        ]
    );
}

/// resource-get.go: the path of the file, named as metadata.yaml says; a resource with no
/// file, or unknown, fails.
#[test]
fn resource_get_gives_a_path() {
    let f = fixture(true, None);
    let file = f.tmp.path().join("local.tgz");
    std::fs::write(&file, b"tarball").unwrap();
    let out = f.cli(&["set-resource", "payload", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ctx = f.open(Hook::new("install"));
    let path = stdout(&f, &ctx, "resource-get", &["payload"]);
    assert!(path.ends_with("resources/payload/payload.tar.gz"), "{path}");
    assert_eq!(std::fs::read(&path).unwrap(), b"tarball");
    let (code, err) = fails(&f, &ctx, "resource-get", &["manual"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("could not download resource: resource \"manual\" has no file"),
        "{err}"
    );
    let (_, err) = fails(&f, &ctx, "resource-get", &["nope"]);
    assert!(
        err.contains(r#"could not download resource: resource "nope" not found"#),
        "{err}"
    );
    let (code, err) = fails(&f, &ctx, "resource-get", &[]);
    assert_eq!(
        (code, err.trim()),
        (2, "ERROR missing required resource name")
    );
}

/// goal-state.go: units and relations with status and since; credential-get only trusted.
#[test]
fn goal_state_and_credentials() {
    let f = fixture(true, None);
    f.dir()
        .transact(|emu| {
            let m = emu.model_mut();
            let id = m.add_relation("db", "postgresql")?;
            m.relations
                .get_mut(&id)
                .unwrap()
                .remote_units
                .insert("postgresql/0".into(), Default::default());
            Ok(())
        })
        .unwrap();
    let ctx = f.open(Hook::new("update-status"));
    let goal = f.json(&ctx, "goal-state", &["--format=json"]);
    assert_eq!(goal["units"]["web/0"]["status"], "active");
    assert_eq!(goal["relations"]["db"]["postgresql"]["status"], "joined");
    assert_eq!(goal["relations"]["db"]["postgresql/0"]["status"], "active");
    let since = goal["units"]["web/0"]["since"].as_str().unwrap();
    assert!(
        since.len() == 20 && since.ends_with('Z') && since.as_bytes()[10] == b' ',
        "{since}"
    );
    let yaml = stdout(&f, &ctx, "goal-state", &[]);
    assert!(
        yaml.starts_with("relations:") || yaml.starts_with("units:"),
        "{yaml}"
    );
    let (code, err) = fails(&f, &ctx, "credential-get", &[]);
    assert_eq!(
        (code, err.trim()),
        (
            1,
            "ERROR cannot access cloud credentials: permission denied"
        )
    );
    f.finish(&ctx, true);
    let out = f.cli(&["trust"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ctx = f.open(Hook::new("update-status"));
    assert_eq!(
        f.json(&ctx, "credential-get", &["--format=json"])["type"],
        "lxd"
    );
}

/// jujuc/ports.go@0cdccd5f: `--endpoints` names endpoints of the charm.
#[test]
fn open_port_for_endpoints() {
    let f = fixture(true, None);
    let ctx = f.open(Hook::new("install"));
    f.ok(
        &ctx,
        "open-port",
        &["8080/tcp", "--endpoints", "db,juju-info"],
    );
    let (_, err) = fails(&f, &ctx, "open-port", &["8081", "--endpoints", "nope"]);
    assert!(err.contains(r#"endpoint "nope" not found"#), "{err}");
    f.finish(&ctx, true);
    assert_eq!(f.load().opened_ports.len(), 1);
}

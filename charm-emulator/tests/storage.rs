//! How the model directory stores the model: a tool call's cost must not grow with the
//! model's history (issue 14 item 5, issue 17), so records are appended, never reread, and
//! relations are read only by relation tools. Counts and bytes, not times.

use charm_emulator::{ContextId, Emulator, Hook, MODEL_FILE, Model, ModelDir};

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

/// One hook through the model directory as the tool binary drives it: a context opened by
/// the runner, then each tool call a transaction of its own.
fn hook(dir: &ModelDir, name: &str, calls: &[(&str, &[&str])]) {
    let ctx: ContextId = dir
        .transact(|emu| Ok(emu.open_context(Hook::new(name))?.id))
        .unwrap();
    for (tool, a) in calls {
        let out = dir
            .transact_tool(tool, |emu: &mut Emulator| {
                Ok(emu.call(&ctx, tool, &args(a), b""))
            })
            .unwrap();
        assert!(out.success(), "{tool}: {}", out.stderr_text());
    }
    dir.transact(|emu| emu.finish(&ctx, true).map(drop))
        .unwrap();
}

fn model_with_a_relation() -> Model {
    let mut model = Model::new("web/0").unwrap();
    let id = model.add_relation("db", "postgresql").unwrap();
    let rel = model.relations.get_mut(&id).unwrap();
    for n in 0..50 {
        rel.remote_units
            .entry(format!("postgresql/{n}"))
            .or_default()
            .data
            .insert("host".into(), format!("10.0.0.{n}"));
    }
    model
}

#[test]
fn the_state_a_call_reads_does_not_grow_with_history_and_records_are_kept_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = ModelDir::create(tmp.path().join("m"), &model_with_a_relation()).unwrap();
    let steady: &[(&str, &[&str])] = &[
        ("status-set", &["active", "ready"]),
        ("juju-log", &["-l", "INFO", "steady"]),
        ("opened-ports", &[]),
    ];
    hook(&dir, "update-status", steady);
    let state_size = std::fs::metadata(dir.model_path()).unwrap().len();
    for _ in 0..100 {
        hook(&dir, "update-status", steady);
    }
    // What every call reads and rewrites stays the size of one hook's worth.
    let after = std::fs::metadata(dir.model_path()).unwrap().len();
    assert!(
        after <= state_size + 64,
        "model.json grew from {state_size} to {after} bytes over 100 hooks"
    );
    // The records are all there for whoever asks.
    let model = dir.load().unwrap();
    assert_eq!(model.hooks.len(), 101);
    assert_eq!(model.calls.len(), 101 * steady.len());
    assert_eq!(
        model.logs.iter().filter(|l| l.message == "steady").count(),
        101
    );
    assert_eq!(model.unit_status_history.len(), 101);
    assert_eq!(model.relations[&0].remote_units.len(), 50);
}

#[test]
fn only_relation_tools_read_the_relations() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = ModelDir::create(tmp.path().join("m"), &model_with_a_relation()).unwrap();
    let ctx: ContextId = dir
        .transact(|emu| Ok(emu.open_context(Hook::new("config-changed"))?.id))
        .unwrap();
    // Spoil relations.json: a tool that read it would fail.
    std::fs::write(tmp.path().join("m/relations.json"), b"{not json").unwrap();
    for tool in ["status-set", "is-leader", "juju-log", "opened-ports"] {
        let a = if tool == "status-set" {
            vec!["active".to_owned()]
        } else if tool == "juju-log" {
            vec!["x".to_owned()]
        } else {
            vec![]
        };
        let out = dir
            .transact_tool(tool, |emu| Ok(emu.call(&ctx, tool, &a, b"")))
            .unwrap();
        assert!(out.success(), "{tool}: {}", out.stderr_text());
    }
    let err = dir
        .transact_tool("relation-ids", |emu| {
            Ok(emu.call(&ctx, "relation-ids", &args(&["db"]), b""))
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("relations.json"), "{err}");
}

#[test]
fn a_read_only_call_rewrites_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = ModelDir::create(tmp.path().join("m"), &model_with_a_relation()).unwrap();
    let ctx: ContextId = dir
        .transact(|emu| Ok(emu.open_context(Hook::new("config-changed"))?.id))
        .unwrap();
    let relations = tmp.path().join("m/relations.json");
    let before = std::fs::metadata(&relations).unwrap().modified().unwrap();
    let out = dir
        .transact_tool("relation-ids", |emu| {
            Ok(emu.call(&ctx, "relation-ids", &args(&["db"]), b""))
        })
        .unwrap();
    assert_eq!(out.stdout_text().trim(), "db:0");
    let after = std::fs::metadata(&relations).unwrap().modified().unwrap();
    assert_eq!(before, after, "relations.json was rewritten by a read");
    // Nor the state: the call is only appended to the records.
    let state = std::fs::read(dir.model_path()).unwrap();
    let out = dir
        .transact_tool("config-get", |emu| {
            Ok(emu.call(&ctx, "config-get", &args(&["--all"]), b""))
        })
        .unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(std::fs::read(dir.model_path()).unwrap(), state);
    let calls = dir.load().unwrap().calls;
    assert_eq!(calls.last().unwrap().tool, "config-get");
}

#[test]
fn a_format_1_model_is_read_and_moves_to_the_new_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("m");
    std::fs::create_dir_all(&root).unwrap();
    let mut model = model_with_a_relation();
    model.format = 1;
    model.set_unit_status(charm_emulator::Status::new("active", "old"));
    std::fs::write(root.join(MODEL_FILE), serde_json::to_vec(&model).unwrap()).unwrap();
    let dir = ModelDir::open(&root).unwrap();
    hook(&dir, "update-status", &[("status-set", &["active", "new"])]);
    let model = dir.load().unwrap();
    let messages: Vec<&str> = model
        .unit_status_history
        .iter()
        .map(|s| s.message.as_str())
        .collect();
    assert_eq!(messages, ["old", "new"]);
    assert_eq!(model.relations[&0].remote_units.len(), 50);
    let state = std::fs::read_to_string(root.join(MODEL_FILE)).unwrap();
    assert!(state.contains("\"format\": 3"), "{state}");
    assert!(
        !state.contains("postgresql/7"),
        "relations moved out: {state}"
    );
    let relations = std::fs::read_to_string(root.join("relations.json")).unwrap();
    assert!(
        !relations.contains("postgresql/7"),
        "units moved out: {relations}"
    );
    assert!(root.join("relations/0/postgresql%2F7.json").is_file());
}

/// A model of one relation `db:0` with `n` remote units `postgresql/0..n`.
fn dir_with_units(root: &std::path::Path, n: usize) -> ModelDir {
    let mut model = Model::new("web/0").unwrap();
    let id = model.add_relation("db", "postgresql").unwrap();
    let rel = model.relations.get_mut(&id).unwrap();
    rel.remote_app_data.insert("version".into(), "16".into());
    for u in 0..n {
        rel.remote_units
            .entry(format!("postgresql/{u}"))
            .or_default()
            .data
            .insert("host".into(), format!("10.0.{}.{}", u / 250, u % 250));
    }
    ModelDir::create(root, &model).unwrap()
}

/// The bytes of the relation files in `root` a call could read.
fn relation_bytes(root: &std::path::Path) -> u64 {
    std::fs::metadata(root.join("relations.json"))
        .unwrap()
        .len()
}

#[test]
fn a_relation_get_reads_only_the_unit_it_names_whatever_the_number_of_units() {
    let tmp = tempfile::tempdir().unwrap();
    let mut shared = Vec::new();
    for n in [1, 1_000] {
        let root = tmp.path().join(format!("m{n}"));
        let dir = dir_with_units(&root, n);
        // What every relation tool reads does not grow with the units.
        shared.push(relation_bytes(&root));
        let ctx: ContextId = dir
            .transact(|emu| {
                Ok(emu
                    .open_context(
                        Hook::new("db-relation-changed")
                            .with_relation(0)
                            .with_remote_unit("postgresql/0"),
                    )?
                    .id)
            })
            .unwrap();
        // Spoil every other unit's file: a call that opened one would fail.
        for u in 1..n {
            std::fs::write(
                root.join(format!("relations/0/postgresql%2F{u}.json")),
                b"{not json",
            )
            .unwrap();
        }
        let call = |tool: &str, a: &[&str]| {
            let a = args(a);
            dir.transact_call(&ctx, tool, &a, |emu| Ok(emu.call(&ctx, tool, &a, b"")))
        };
        // The hook's remote unit, by default and by name; the application bag.
        let out = call("relation-get", &["host"]).unwrap();
        assert_eq!(
            out.stdout_text().trim(),
            "10.0.0.0",
            "{}",
            out.stderr_text()
        );
        let out = call("relation-get", &["-r", "db:0", "host", "postgresql/0"]).unwrap();
        assert_eq!(out.stdout_text().trim(), "10.0.0.0");
        let out = call("relation-get", &["--app", "version"]).unwrap();
        assert_eq!(out.stdout_text().trim(), "16");
        let out = call("relation-set", &["ready=yes"]).unwrap();
        assert!(out.success(), "{}", out.stderr_text());
        let out = call("relation-ids", &["db"]).unwrap();
        assert_eq!(out.stdout_text().trim(), "db:0");
        if n > 1 {
            // relation-list answers with every unit, so it reads them all (and trips on the
            // spoiled ones): the spoiling does detect a read.
            let err = call("relation-list", &[]).unwrap_err().to_string();
            assert!(err.contains("relations/0/postgresql%2F"), "{err}");
            // And a unit named is read.
            let err = call("relation-get", &["-", "postgresql/1"])
                .unwrap_err()
                .to_string();
            assert!(err.contains("postgresql%2F1.json"), "{err}");
        }
        // Closing the hook commits its relation-set without reading the units either.
        dir.transact_units(&[], |emu| emu.finish(&ctx, true).map(drop))
            .unwrap();
        let relations = std::fs::read_to_string(root.join("relations.json")).unwrap();
        assert!(relations.contains("\"ready\": \"yes\""), "{relations}");
    }
    assert_eq!(shared[0], shared[1], "relations.json grew with the units");
}

#[test]
fn units_and_relations_removed_lose_their_files_and_the_rest_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("m");
    let dir = dir_with_units(&root, 3);
    dir.transact(|emu| {
        let rel = emu.model_mut().relations.get_mut(&0).unwrap();
        rel.remote_units.remove("postgresql/1");
        rel.remote_units.get_mut("postgresql/2").unwrap().departing = true;
        Ok(())
    })
    .unwrap();
    assert!(!root.join("relations/0/postgresql%2F1.json").exists());
    let model = dir.load().unwrap();
    let units: Vec<_> = model.relations[&0].remote_units.keys().cloned().collect();
    assert_eq!(units, ["postgresql/0", "postgresql/2"]);
    assert!(model.relations[&0].remote_units["postgresql/2"].departing);
    assert_eq!(
        model.relations[&0].remote_units["postgresql/0"].data["host"],
        "10.0.0.0"
    );
    dir.transact(|emu| {
        emu.model_mut().relations.remove(&0);
        Ok(())
    })
    .unwrap();
    assert!(!root.join("relations/0").exists());
    assert!(dir.load().unwrap().relations.is_empty());
}

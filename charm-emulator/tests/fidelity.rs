//! The emulator says no where Juju says no, and answers in Juju's shapes: one test per
//! behaviour, each calling the real tool executables (the symlinks in the model's `bin/`) or
//! running a hook process through the runner. Each cites the Juju source it follows
//! (juju/juju `path@commit`).

mod common;

use charm_emulator::{Hook, JsonMap, PortRange, RemoteUnitSpec};
use common::{Fixture, text};
use serde_json::json;

fn unit(name: &str) -> RemoteUnitSpec {
    RemoteUnitSpec {
        name: name.into(),
        data: [("host".to_owned(), format!("{name}.local"))].into(),
    }
}

/// Adds a relation on `endpoint` without running hooks.
fn add_relation(f: &Fixture, endpoint: &str, app: &str, units: &[&str]) -> u64 {
    f.dir()
        .transact(|emu| {
            let model = emu.model_mut();
            let id = model.add_relation(endpoint, app)?;
            let rel = model.relations.get_mut(&id).unwrap();
            for u in units {
                rel.remote_units.insert((*u).into(), Default::default());
            }
            Ok(id)
        })
        .unwrap()
}

fn stderr_of(
    f: &Fixture,
    ctx: &charm_emulator::ContextId,
    tool: &str,
    args: &[&str],
) -> (i32, String) {
    let out = f.tool(ctx, tool, args);
    (out.status.code().unwrap_or(-1), text(&out.stderr))
}

/// runner/runner.go@27dafee5 `ps.Env = env`; context/env.go@2ba9927e `ubuntuEnv`.
#[test]
fn hook_environment_is_built_from_scratch() {
    let f = Fixture::with_dispatch(Some("#!/bin/sh\nenv\n"), false);
    let outcome = f
        .runner()
        .with_env("EXTRA_FOR_THIS_TEST", "1")
        .run(Hook::new("install"))
        .unwrap();
    assert!(outcome.success(), "{}", outcome.stderr_text());
    let env: std::collections::BTreeMap<String, String> = outcome
        .stdout_text()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    // The test process has HOME and cargo's variables; none reaches the hook.
    assert!(std::env::var_os("HOME").is_some());
    for key in env.keys() {
        let allowed = key.starts_with("JUJU_")
            || [
                "CHARM_DIR",
                "CHARM_EMULATOR_MODEL",
                "PATH",
                "PWD",
                "SHLVL",
                "_",
            ]
            .contains(&key.as_str())
            || [
                "LANG",
                "TERM",
                "DEBIAN_FRONTEND",
                "APT_LISTCHANGES_FRONTEND",
            ]
            .contains(&key.as_str())
            || key == "EXTRA_FOR_THIS_TEST";
        assert!(allowed, "{key} leaked into the hook: {env:?}");
    }
    assert_eq!(env["LANG"], "C.UTF-8");
    assert_eq!(env["TERM"], "tmux-256color");
    assert_eq!(env["DEBIAN_FRONTEND"], "noninteractive");
    assert!(env["PATH"].starts_with(&f.model.join("bin").display().to_string()));
    // with_env (not on Juju) still reaches the hook, for tests that need it.
    assert_eq!(env["EXTRA_FOR_THIS_TEST"], "1");
    assert!(!env.contains_key("HOME"));
}

/// jujuc/network-get.go@2ba9927e: `address`, `macaddress`, `interfacename` are YAML-only.
#[test]
fn network_get_json_has_only_json_keys() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    let full = f.json(&ctx, "network-get", &["db", "--format=json"]);
    let bind = &full["bind-addresses"][0];
    assert!(
        bind.get("macaddress").is_none() && bind.get("interfacename").is_none(),
        "{full}"
    );
    assert!(bind["addresses"][0].get("address").is_none(), "{full}");
    assert_eq!(bind["interface-name"], "lo");
    let yaml = text(&f.ok(&ctx, "network-get", &["db", "--format=yaml"]).stdout);
    assert!(
        yaml.contains("interfacename: lo") && yaml.contains("address: 127.0.0.1"),
        "{yaml}"
    );
}

/// jujuc/status-get.go@0cdccd5f `toDetails`.
#[test]
fn status_get_without_include_data_has_no_message() {
    let f = Fixture::new(true);
    let ctx = f.open(Hook::new("start"));
    f.ok(&ctx, "status-set", &["active", "ready"]);
    assert_eq!(
        f.json(&ctx, "status-get", &["--format=json"]),
        json!({"status": "active"})
    );
    assert_eq!(
        f.json(&ctx, "status-get", &["--format=json", "--include-data"]),
        json!({"status": "active", "message": "ready", "status-data": {}})
    );
}

/// jujuc/state-get.go@67d89ab2.
#[test]
fn state_get_of_a_missing_key_is_empty() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    assert_eq!(
        f.json(&ctx, "state-get", &["nope", "--format=json"]),
        json!("")
    );
    assert_eq!(text(&f.ok(&ctx, "state-get", &["nope"]).stdout), "");
    let (code, err) = stderr_of(&f, &ctx, "state-get", &["nope", "--strict"]);
    assert_eq!(code, 1, "{err}");
}

/// jujuc/relation-ids.go@0cdccd5f `sort.Strings(result)`.
#[test]
fn relation_ids_are_sorted_as_strings() {
    let f = Fixture::new(false);
    for n in 0..11 {
        let endpoint = if n == 2 || n == 10 { "db" } else { "website" };
        add_relation(&f, endpoint, &format!("app{n}"), &[]);
    }
    let ctx = f.open(Hook::new("install"));
    assert_eq!(
        f.json(&ctx, "relation-ids", &["db", "--format=json"]),
        json!(["db:10", "db:2"])
    );
}

/// jujuc/relation-get.go@2365bb25: an application name without --app is an Init error.
#[test]
fn relation_get_of_an_application_without_app_is_a_usage_error() {
    let f = Fixture::new(false);
    add_relation(&f, "db", "pg", &["pg/0"]);
    let ctx = f.open(Hook::new("install"));
    let (code, err) = stderr_of(&f, &ctx, "relation-get", &["-r", "db:0", "-", "pg"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "ERROR expected unit name, got application name \"pg\"\n"
    );
}

/// relation-get.go@2365bb25 `relationIdValue.Set`: ctx.Relation's "relation not found".
#[test]
fn unknown_relation_id_is_relation_not_found() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    for tool in ["relation-get", "relation-list", "relation-set"] {
        let (code, err) = stderr_of(&f, &ctx, tool, &["-r", "db:99"]);
        assert_eq!(code, 2, "{tool}: {err}");
        assert!(err.contains("relation not found"), "{tool}: {err}");
    }
}

/// jujuc/action-set.go@0cdccd5f Init.
#[test]
fn action_set_argument_rules() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::action("noop", JsonMap::new()));
    f.ok(&ctx, "action-set", &[]);
    for reserved in ["stdout=x", "result.stderr=x", "a.stdout-encoding.b=1"] {
        let (code, err) = stderr_of(&f, &ctx, "action-set", &[reserved]);
        assert_eq!(code, 2, "{reserved}: {err}");
        assert!(err.contains("reserved"), "{reserved}: {err}");
    }
    f.ok(&ctx, "action-set", &["result.size=1"]);
}

/// jujuc/leader-set.go@0cdccd5f, relation-set.go@3ff63137.
#[test]
fn leader_only_writes_fail_with_juju_messages() {
    let f = Fixture::new(false);
    add_relation(&f, "db", "pg", &["pg/0"]);
    let ctx = f.open(Hook::new("install"));
    let (code, err) = stderr_of(&f, &ctx, "leader-set", &["a=b"]);
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "ERROR cannot write leadership settings: cannot write settings: not the leader\n"
        )
    );
    let (code, err) = stderr_of(&f, &ctx, "relation-set", &["-r", "db:0", "--app", "a=b"]);
    assert_eq!(
        (code, err.as_str()),
        (1, "ERROR cannot write relation settings\n")
    );
}

/// jujuc/relation-get.go@2365bb25 doc: departed units' data stays readable.
#[test]
fn departed_units_data_stays_readable_for_the_relations_lifetime() {
    let f = Fixture::new(false);
    let (id, outcomes) = f
        .runner()
        .relate(
            "db",
            "pg",
            &[unit("pg/0"), unit("pg/1")],
            &Default::default(),
        )
        .unwrap();
    assert!(outcomes.iter().all(|o| o.success()));
    f.runner().remove_unit(id, "pg/1").unwrap();
    let ctx = f.open(Hook::new("update-status"));
    assert_eq!(
        f.json(&ctx, "relation-list", &["-r", "db:0", "--format=json"]),
        json!(["pg/0"])
    );
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["-r", "db:0", "host", "pg/1", "--format=json"]
        ),
        json!("pg/1.local")
    );
    f.finish(&ctx, true);
    // The unit may join again.
    assert!(
        f.runner()
            .add_unit(id, &unit("pg/1"))
            .unwrap()
            .iter()
            .all(|o| o.success())
    );
    // It cannot leave twice, nor be the remote unit of a -changed after leaving.
    f.runner().remove_unit(id, "pg/1").unwrap();
    assert!(f.runner().remove_unit(id, "pg/1").is_err());
    let changed = Hook::new("db-relation-changed")
        .with_relation(id)
        .with_remote_unit("pg/1");
    assert!(
        f.dir()
            .transact(|emu| emu.open_context(changed).map(drop))
            .is_err()
    );
}

/// Every charm provides `juju-info` implicitly.
#[test]
fn juju_info_is_an_implicit_endpoint() {
    let f = Fixture::with_dispatch(Some("#!/bin/sh\necho \"rel=$JUJU_RELATION\"\n"), false);
    let (_, outcomes) = f
        .runner()
        .relate(
            "juju-info",
            "telegraf",
            &[unit("telegraf/0")],
            &Default::default(),
        )
        .unwrap();
    assert!(outcomes.iter().all(|o| o.success()));
    assert!(outcomes[1].stdout_text().contains("rel=juju-info"));
    let ctx = f.open(Hook::new("install"));
    f.ok(&ctx, "network-get", &["juju-info"]);
}

/// core/quota/fixed_limits.go@f550f91a via context.go@06bd0f8f `SetCharmStateValue`.
#[test]
fn state_set_size_limits() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    let key_ok = format!("{}=v", "k".repeat(256));
    let key_long = format!("{}=v", "k".repeat(257));
    f.ok(&ctx, "state-set", &[&key_ok]);
    let (code, err) = stderr_of(&f, &ctx, "state-set", &[&key_long]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("max allowed key length (256)"), "{err}");
    let big = "v".repeat(64 * 1024 + 1);
    let out = f.tool_stdin(
        &ctx,
        "state-set",
        &["--file", "-"],
        format!("k: {big}\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("max allowed value length (65536)"));
}

/// core/network/portrange.go@238cc46a `Validate`.
#[test]
fn port_bounds_follow_juju() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    f.ok(&ctx, "open-port", &["0/udp"]);
    let (code, err) = stderr_of(&f, &ctx, "open-port", &["65536"]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "ERROR port range bounds must be between 0 and 65535, got 65536-65536\n"
        )
    );
    let (code, err) = stderr_of(&f, &ctx, "open-port", &["90-80"]);
    assert_eq!(
        (code, err.as_str()),
        (2, "ERROR invalid port range 90-80/tcp\n")
    );
}

/// context/ports.go@285cce7f `OpenPortRange`, `ClosePortRange`, `checkForConflict`.
#[test]
fn open_port_refuses_overlaps_even_with_a_port_this_hook_closes() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    f.ok(&ctx, "open-port", &["8080/tcp"]);
    // An equal range is a no-op; an overlapping one "requested earlier" fails.
    f.ok(&ctx, "open-port", &["8080/tcp"]);
    let (code, err) = stderr_of(&f, &ctx, "open-port", &["8000-8100/tcp"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        "ERROR cannot open 8000-8100/tcp (unit \"web/0\"): port range conflicts with 8080/tcp (unit \"web/0\") requested earlier\n"
    );
    f.ok(&ctx, "open-port", &["8080/udp"]);
    f.finish(&ctx, true);

    // Next hook: the close of 8080 is pending, but the committed 8080 still conflicts.
    let ctx = f.open(Hook::new("config-changed"));
    f.ok(&ctx, "close-port", &["8080/tcp"]);
    let (code, err) = stderr_of(&f, &ctx, "open-port", &["8080-8090/tcp"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        "ERROR cannot open 8080-8090/tcp (unit \"web/0\"): port range conflicts with 8080/tcp (unit \"web/0\")\n"
    );
    // Closing a range that only overlaps an open one fails too.
    let (code, err) = stderr_of(&f, &ctx, "close-port", &["8080-8081/udp"]);
    assert_eq!(code, 1, "{err}");
    f.finish(&ctx, true);
    // Closed in one hook, the wider range opens in the next.
    let ctx = f.open(Hook::new("config-changed"));
    f.ok(&ctx, "open-port", &["8080-8090/tcp"]);
    f.finish(&ctx, true);
    let ports: Vec<String> = f
        .load()
        .opened_ports
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ports, ["8080/udp", "8080-8090/tcp"]);

    // Another unit on the machine holds 9000.
    f.dir()
        .transact(|emu| {
            let held = ["9000/tcp".parse::<PortRange>().unwrap()].into();
            emu.model_mut().machine_ports.insert("other/0".into(), held);
            Ok(())
        })
        .unwrap();
    let ctx = f.open(Hook::new("config-changed"));
    let (code, err) = stderr_of(&f, &ctx, "open-port", &["9000"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("conflicts with 9000/tcp (unit \"other/0\")"),
        "{err}"
    );
}

/// ports.go@285cce7f `OpenedUnitPortRanges`: pending changes merged from Juju 3.1 (PR #15246).
#[test]
fn opened_ports_merges_pending_changes_from_juju_3_1() {
    for (version, expected) in [("3.6.0", json!(["80/tcp"])), ("3.0.3", json!([]))] {
        let f = Fixture::new(false);
        f.dir()
            .transact(|emu| {
                emu.model_mut().juju_version = version.into();
                Ok(())
            })
            .unwrap();
        let ctx = f.open(Hook::new("install"));
        f.ok(&ctx, "open-port", &["80"]);
        assert_eq!(
            f.json(&ctx, "opened-ports", &["--format=json"]),
            expected,
            "{version}"
        );
    }
}

/// Juju validates action parameters against actions.yaml and fills in the defaults.
#[test]
fn actions_are_declared_validated_and_defaulted() {
    let f = Fixture::new(false);
    let open = |hook: Hook| f.dir().transact(|emu| emu.open_context(hook).map(|c| c.id));
    let err = open(Hook::action("undeclared", JsonMap::new()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not defined"), "{err}");
    let bad: JsonMap = json!({"force": "yes"}).as_object().unwrap().clone();
    let err = open(Hook::action("backup", bad)).unwrap_err().to_string();
    assert!(err.contains("force") && err.contains("boolean"), "{err}");
    let err = open(Hook::action("echo", JsonMap::new()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("text is required"), "{err}");
    let ctx = open(Hook::action("backup", JsonMap::new())).unwrap();
    assert_eq!(
        f.json(&ctx, "action-get", &["--format=json"]),
        json!({"force": false})
    );
}

/// jujuc/restricted.go@12baae6d: collect-metrics runs in a restricted context.
#[test]
fn collect_metrics_is_a_restricted_context() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("collect-metrics"));
    for (tool, args) in [
        ("config-get", &["--all", "--format=json"][..]),
        ("is-leader", &[][..]),
        ("status-set", &["active", "x"][..]),
        ("state-get", &[][..]),
        ("relation-ids", &["db"][..]),
    ] {
        let (code, err) = stderr_of(&f, &ctx, tool, args);
        assert_eq!(
            (code, err.as_str()),
            (1, "ERROR not implemented for restricted context\n"),
            "{tool}"
        );
    }
    f.ok(&ctx, "juju-log", &["--", "metrics"]);
    assert_eq!(f.json(&ctx, "opened-ports", &["--format=json"]), json!([]));
}

/// operation/leader.go@337f0e1e: Juju never runs leader-deposed.
#[test]
fn leader_deposed_is_never_run() {
    let f = Fixture::new(true);
    let err = f
        .dir()
        .transact(|emu| emu.open_context(Hook::new("leader-deposed")).map(drop))
        .unwrap_err()
        .to_string();
    assert!(err.contains("never runs leader-deposed"), "{err}");
    let lost = f.runner().set_leader(false).unwrap().unwrap();
    assert_eq!(lost.hook.name, "leader-settings-changed");
}

/// context.go@06bd0f8f HookVars: JUJU_DEPARTING_UNIT is the remote unit, or this unit when it
/// is the one leaving.
#[test]
fn own_departure_is_told_apart_from_a_remote_unit_leaving() {
    let script = "#!/bin/sh\necho \"departing=$JUJU_DEPARTING_UNIT remote=$JUJU_REMOTE_UNIT\"\n";
    let f = Fixture::with_dispatch(Some(script), false);
    let (id, _) = f
        .runner()
        .relate(
            "db",
            "pg",
            &[unit("pg/0"), unit("pg/1")],
            &Default::default(),
        )
        .unwrap();
    let bogus = Hook::new("db-relation-departed")
        .with_relation(id)
        .with_remote_unit("pg/0")
        .with_departing_unit("pg/1");
    assert!(
        f.dir()
            .transact(|emu| emu.open_context(bogus).map(drop))
            .is_err()
    );
    let outcomes = f.runner().leave(id).unwrap();
    let names: Vec<&str> = outcomes.iter().map(|o| o.hook.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "db-relation-departed",
            "db-relation-departed",
            "db-relation-broken"
        ]
    );
    assert!(
        outcomes[0]
            .stdout_text()
            .contains("departing=web/0 remote=pg/0")
    );
    assert!(
        outcomes[1]
            .stdout_text()
            .contains("departing=web/0 remote=pg/1")
    );
    assert!(!f.load().relations.contains_key(&id));
}

//! Every hook tool, called as a charm calls it: a process started through its symlink in the
//! model's `bin/`, with `CHARM_EMULATOR_MODEL` and `JUJU_CONTEXT_ID`; JSON output parsed.

mod common;

use charm_emulator::{ActionStatus, Hook, JsonMap, LogSource};
use common::{Fixture, text};
use serde_json::json;

#[test]
fn config_get_gives_typed_values() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("config-changed"));
    assert_eq!(
        f.json(&ctx, "config-get", &["--all", "--format=json"]),
        json!({"name": "voting", "port": 8080, "ratio": 0.5, "debug": false, "password": null})
    );
    // Without --all, options without a value are left out.
    let all = f.json(&ctx, "config-get", &["--format", "json"]);
    assert_eq!(all.as_object().unwrap().len(), 4, "{all}");
    assert_eq!(
        f.json(&ctx, "config-get", &["port", "--format=json"]),
        json!(8080)
    );
    assert_eq!(
        f.json(&ctx, "config-get", &["--format=json", "debug"]),
        json!(false)
    );
    assert_eq!(
        f.json(&ctx, "config-get", &["password", "--format=json"]),
        json!(null)
    );
    assert_eq!(
        f.json(&ctx, "config-get", &["no-such-key", "--format=json"]),
        json!(null)
    );
    // The default (smart) format prints a string bare.
    assert_eq!(
        text(&f.ok(&ctx, "config-get", &["name"]).stdout),
        "voting\n"
    );
    f.finish(&ctx, true);

    let out = f.cli(&[
        "config",
        "port=9000",
        "debug=true",
        "ratio=2",
        "password=s3cret",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ctx = f.open(Hook::new("config-changed"));
    assert_eq!(
        f.json(&ctx, "config-get", &["--all", "--format=json"]),
        json!({"name": "voting", "port": 9000, "ratio": 2.0, "debug": true, "password": "s3cret"})
    );
}

#[test]
fn status_set_and_get() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("start"));
    f.ok(&ctx, "status-set", &["active", "ready to vote"]);
    assert_eq!(
        f.json(&ctx, "status-get", &["--include-data", "--format=json"]),
        json!({"status": "active", "message": "ready to vote", "status-data": {}})
    );
    // Juju's status-get.go@0cdccd5f `toDetails`: the message only with --include-data.
    assert_eq!(
        f.json(&ctx, "status-get", &["--format=json"]),
        json!({"status": "active"})
    );
    assert_eq!(text(&f.ok(&ctx, "status-get", &[]).stdout), "active\n");
    // A non-leader may not touch application status.
    let out = f.tool(&ctx, "status-set", &["--application", "blocked", "no"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("ERROR this unit is not the leader"),
        "{}",
        text(&out.stderr)
    );
    let out = f.tool(&ctx, "status-get", &["--application", "--format=json"]);
    assert_eq!(out.status.code(), Some(1));
    f.finish(&ctx, true);
    let model = f.load();
    assert_eq!(model.unit_status.status, "active");
    assert_eq!(model.application_status.status, "unknown");
}

#[test]
fn application_status_for_the_leader() {
    let f = Fixture::new(true);
    let ctx = f.open(Hook::new("start"));
    f.ok(&ctx, "status-set", &["maintenance", "installing"]);
    f.ok(
        &ctx,
        "status-set",
        &["--application=true", "waiting", "for units"],
    );
    assert_eq!(
        f.json(
            &ctx,
            "status-get",
            &["--application", "--include-data", "--format=json"]
        ),
        json!({"application-status": {
            "status": "waiting", "message": "for units", "status-data": {},
            "units": {"web/0": {"status": "maintenance", "message": "installing", "status-data": {}}}
        }})
    );
    let model = f.load();
    assert_eq!(model.application_status.message, "for units");
}

#[test]
fn ports_are_buffered_and_listed_when_committed() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("start"));
    f.ok(&ctx, "open-port", &["5000"]);
    f.ok(&ctx, "open-port", &["1000-2000/udp"]);
    f.ok(&ctx, "open-port", &["icmp"]);
    f.ok(&ctx, "open-port", &["80/tcp"]);
    f.ok(&ctx, "close-port", &["80/tcp"]);
    // Juju >= 3.1 (the emulator claims 3.6.0): opened-ports merges this hook's pending
    // changes (ports.go@285cce7f `mergeWithPendingChanges`); the open+close of 80 cancel.
    assert_eq!(
        f.json(&ctx, "opened-ports", &["--format=json"]),
        json!(["icmp", "1000-2000/udp", "5000/tcp"])
    );
    f.finish(&ctx, true);

    let ctx = f.open(Hook::new("update-status"));
    assert_eq!(
        f.json(&ctx, "opened-ports", &["--format=json"]),
        json!(["icmp", "1000-2000/udp", "5000/tcp"])
    );
    f.ok(&ctx, "close-port", &["5000/tcp"]);
    f.finish(&ctx, true);
    let ports: Vec<String> = f
        .load()
        .opened_ports
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ports, ["icmp", "1000-2000/udp"]);
}

fn related_fixture(leader: bool) -> Fixture {
    let f = Fixture::new(leader);
    let out = f.cli(&[
        "relate",
        "db",
        "postgresql",
        "--unit",
        "postgresql/0",
        "--unit",
        "postgresql/1",
        "--data",
        "host=db.local",
        "--app-data",
        "version=16",
    ]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    f
}

#[test]
fn relation_ids_list_and_get() {
    let f = related_fixture(false);
    let ctx = f.open(Hook::new("db-relation-changed").with_remote_unit("postgresql/1"));
    assert_eq!(
        f.json(&ctx, "relation-ids", &["db", "--format=json"]),
        json!(["db:0"])
    );
    // Default endpoint: the hook's.
    assert_eq!(
        f.json(&ctx, "relation-ids", &["--format=json"]),
        json!(["db:0"])
    );
    assert_eq!(
        f.json(&ctx, "relation-ids", &["website", "--format=json"]),
        json!([])
    );
    assert_eq!(
        f.json(&ctx, "relation-list", &["-r", "db:0", "--format=json"]),
        json!(["postgresql/0", "postgresql/1"])
    );
    assert_eq!(
        f.json(&ctx, "relation-list", &["--format=json"]),
        json!(["postgresql/0", "postgresql/1"])
    );
    assert_eq!(
        f.json(
            &ctx,
            "relation-list",
            &["-r", "db:0", "--app", "--format=json"]
        ),
        json!("postgresql")
    );

    // All keys of the default unit (JUJU_REMOTE_UNIT), with Juju's address keys.
    assert_eq!(
        f.json(&ctx, "relation-get", &["--format=json", "-r", "db:0", "-"]),
        json!({"host": "db.local", "private-address": "127.0.0.1",
               "ingress-address": "127.0.0.1", "egress-subnets": "127.0.0.1/32"})
    );
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["-r", "db:0", "host", "postgresql/0", "--format=json"]
        ),
        json!("db.local")
    );
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["-r", "db:0", "nope", "postgresql/0", "--format=json"]
        ),
        json!(null)
    );
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["--app", "--format=json", "-r", "0", "-"]
        ),
        json!({"version": "16"})
    );
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["--app", "--format=json", "-r", "db:0", "-", "postgresql/0"]
        ),
        json!({"version": "16"})
    );
    // A non-leader may not read its own application's bag.
    let out = f.tool(
        &ctx,
        "relation-get",
        &["--app", "--format=json", "-r", "db:0", "-", "web"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // A unit not in the relation.
    let out = f.tool(
        &ctx,
        "relation-get",
        &["--format=json", "-r", "db:0", "-", "postgresql/7"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("postgresql/7"));
}

#[test]
fn relation_set_buffers_and_reads_own_writes() {
    let f = related_fixture(false);
    let ctx = f.open(Hook::new("db-relation-joined").with_remote_unit("postgresql/0"));
    f.ok(
        &ctx,
        "relation-set",
        &["-r", "db:0", "database=votes", "roles=a,b"],
    );
    let out = f.tool_stdin(
        &ctx,
        "relation-set",
        &["-r", "db:0", "--file", "-"],
        b"port: 5432\nuser: web\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    f.ok(
        &ctx,
        "relation-set",
        &["-r", "db:0", "roles=", "ingress-address="],
    );
    // Our own unit is readable, including this hook's writes.
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["--format=json", "-r", "db:0", "-", "web/0"]
        ),
        json!({"database": "votes", "port": "5432", "user": "web",
               "private-address": "127.0.0.1", "egress-subnets": "127.0.0.1/32"})
    );
    // Not yet committed.
    assert!(
        !f.load().relations[&0]
            .local_unit_data
            .contains_key("database")
    );
    // --app is for the leader only.
    let out = f.tool(&ctx, "relation-set", &["-r", "db:0", "--app", "x=1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr) == "ERROR cannot write relation settings\n",
        "{}",
        text(&out.stderr)
    );
    f.finish(&ctx, true);
    let data = &f.load().relations[&0].local_unit_data;
    assert_eq!(data.get("database").map(String::as_str), Some("votes"));
    assert_eq!(data.get("port").map(String::as_str), Some("5432"));
    assert!(!data.contains_key("roles") && !data.contains_key("ingress-address"));
}

#[test]
fn leader_writes_and_reads_app_data() {
    let f = related_fixture(true);
    let ctx = f.open(Hook::new("db-relation-created"));
    f.ok(&ctx, "relation-set", &["--app", "-r", "db:0", "schema=v2"]);
    assert_eq!(
        f.json(
            &ctx,
            "relation-get",
            &["--app", "--format=json", "-r", "db:0", "-", "web"]
        ),
        json!({"schema": "v2"})
    );
    f.finish(&ctx, true);
    assert_eq!(
        f.load().relations[&0]
            .local_app_data
            .get("schema")
            .map(String::as_str),
        Some("v2")
    );
}

#[test]
fn unit_get_and_network_get_answer_loopback() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    assert_eq!(
        f.json(&ctx, "unit-get", &["private-address", "--format=json"]),
        json!("127.0.0.1")
    );
    assert_eq!(
        f.json(&ctx, "unit-get", &["public-address", "--format=json"]),
        json!("127.0.0.1")
    );
    let net = f.json(&ctx, "network-get", &["db", "--format=json"]);
    assert_eq!(net["ingress-addresses"], json!(["127.0.0.1"]));
    assert_eq!(net["egress-subnets"], json!(["127.0.0.1/32"]));
    assert_eq!(net["bind-addresses"][0]["interface-name"], json!("lo"));
    assert_eq!(
        net["bind-addresses"][0]["addresses"][0]["value"],
        json!("127.0.0.1")
    );
    assert_eq!(
        net["bind-addresses"][0]["addresses"][0]["cidr"],
        json!("127.0.0.0/8")
    );
    assert_eq!(
        f.json(
            &ctx,
            "network-get",
            &["admin", "--ingress-address", "--format=json"]
        ),
        json!("127.0.0.1")
    );
    let out = f.tool(&ctx, "network-get", &["nowhere", "--format=json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("\"nowhere\""));
}

#[test]
fn juju_log_records_levels() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    f.ok(
        &ctx,
        "juju-log",
        &["-l", "WARNING", "--", "disk", "almost", "full"],
    );
    f.ok(&ctx, "juju-log", &["--log-level=debug", "details"]);
    f.ok(&ctx, "juju-log", &["plain"]);
    let logs: Vec<(String, String)> = f
        .load()
        .logs
        .into_iter()
        .filter(|l| l.source == LogSource::JujuLog)
        .map(|l| (l.level, l.message))
        .collect();
    assert_eq!(
        logs,
        [
            ("WARNING".to_owned(), "disk almost full".to_owned()),
            ("DEBUG".to_owned(), "details".to_owned()),
            ("INFO".to_owned(), "plain".to_owned())
        ]
    );
}

#[test]
fn leadership_tools() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("leader-settings-changed"));
    assert_eq!(f.json(&ctx, "is-leader", &["--format=json"]), json!(false));
    let out = f.tool(&ctx, "leader-set", &["a=1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not the leader"));
    f.finish(&ctx, true);

    let out = f.cli(&["leader", "true"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ctx = f.open(Hook::new("leader-elected"));
    assert_eq!(f.json(&ctx, "is-leader", &["--format=json"]), json!(true));
    f.ok(&ctx, "leader-set", &["password=pw", "other=x"]);
    f.ok(&ctx, "leader-set", &["other="]);
    assert_eq!(
        f.json(&ctx, "leader-get", &["--format=json"]),
        json!({"password": "pw"})
    );
    assert_eq!(
        f.json(&ctx, "leader-get", &["--format=json", "password"]),
        json!("pw")
    );
    assert_eq!(
        f.json(&ctx, "leader-get", &["--format=json", "missing"]),
        json!(null)
    );
}

#[test]
fn action_tools() {
    let f = Fixture::new(false);
    let mut params = JsonMap::new();
    params.insert("target".into(), json!({"host": "db", "port": 5432}));
    params.insert("force".into(), json!(true));
    let ctx = f.open(Hook::action("backup", params));
    assert_eq!(
        f.json(&ctx, "action-get", &["--format=json"]),
        json!({"target": {"host": "db", "port": 5432}, "force": true})
    );
    assert_eq!(
        f.json(&ctx, "action-get", &["target.port", "--format=json"]),
        json!(5432)
    );
    assert_eq!(
        f.json(&ctx, "action-get", &["target.nope", "--format=json"]),
        json!(null)
    );
    f.ok(
        &ctx,
        "action-set",
        &["result.file=/tmp/b.tar", "result.size=10", "done=yes"],
    );
    f.ok(&ctx, "action-log", &["halfway", "there"]);
    f.ok(&ctx, "action-fail", &["disk full"]);
    let out = f.tool(&ctx, "action-set", &["Bad_Key=1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = f.tool(&ctx, "action-set", &["stdout=x"]);
    assert_eq!(out.status.code(), Some(2));
    f.finish(&ctx, true);
    let model = f.load();
    let run = model.action_history.last().unwrap();
    assert_eq!(run.name, "backup");
    assert_eq!(run.status, ActionStatus::Failed);
    assert_eq!(run.message.as_deref(), Some("disk full"));
    assert_eq!(
        serde_json::Value::Object(run.results.clone()),
        json!({"result": {"file": "/tmp/b.tar", "size": "10"}, "done": "yes"})
    );
    assert_eq!(run.logs, ["halfway there"]);
    assert!(model.action.is_none());

    // Outside an action, the action tools fail.
    let ctx = f.open(Hook::new("install"));
    let out = f.tool(&ctx, "action-get", &["--format=json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not running an action"));
}

#[test]
fn application_version_set_is_immediate() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    f.ok(&ctx, "application-version-set", &["1.2.3"]);
    assert_eq!(f.load().application_version, "1.2.3");
    f.finish(&ctx, false);
    assert_eq!(f.load().application_version, "1.2.3");
}

#[test]
fn charm_state_tools() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    f.ok(&ctx, "state-set", &["a=1", "b=two"]);
    let out = f.tool_stdin(&ctx, "state-set", &["--file", "-"], b"c: 3\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Reads see this hook's writes.
    assert_eq!(
        f.json(&ctx, "state-get", &["--format=json"]),
        json!({"a": "1", "b": "two", "c": "3"})
    );
    assert_eq!(
        f.json(&ctx, "state-get", &["b", "--format=json"]),
        json!("two")
    );
    assert_eq!(
        f.json(&ctx, "state-get", &["zzz", "--format=json"]),
        json!("")
    );
    assert_eq!(
        f.tool(&ctx, "state-get", &["zzz", "--strict"])
            .status
            .code(),
        Some(1)
    );
    assert!(
        f.load().charm_state.is_empty(),
        "buffered until the hook ends"
    );
    f.finish(&ctx, true);

    let ctx = f.open(Hook::new("update-status"));
    f.ok(&ctx, "state-delete", &["a"]);
    assert_eq!(
        f.json(&ctx, "state-get", &["--format=json"]),
        json!({"b": "two", "c": "3"})
    );
    f.finish(&ctx, true);
    assert_eq!(f.load().charm_state.keys().collect::<Vec<_>>(), ["b", "c"]);
}

#[test]
fn every_call_is_recorded_in_order() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    f.ok(&ctx, "juju-log", &["one"]);
    let _ = f.tool(&ctx, "status-set", &["bogus"]);
    f.ok(&ctx, "is-leader", &["--format=json"]);
    let calls = f.load().calls;
    let seen: Vec<(&str, i32, &str)> = calls
        .iter()
        .map(|c| (c.tool.as_str(), c.exit_code, c.context.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("juju-log", 0, ctx.as_str()),
            ("status-set", 2, ctx.as_str()),
            ("is-leader", 0, ctx.as_str())
        ]
    );
    assert_eq!(calls[2].args, ["--format=json"]);
    // And the CLI shows them.
    let out = f.cli(&["calls", "--format", "json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
}

#[test]
fn help_lists_the_options_on_stdout_as_juju_does() {
    // charmhelpers' relation_set asks `relation-set --help` whether `--file` exists.
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("config-changed"));
    let out = text(&f.ok(&ctx, "relation-set", &["--help"]).stdout);
    assert!(out.contains("--file") && out.contains("--app"), "{out}");
    let out = text(&f.ok(&ctx, "config-get", &["--help"]).stdout);
    assert!(out.contains("--format") && out.contains("--all"), "{out}");
}

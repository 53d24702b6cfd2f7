#![doc = include_str!("../README.md")]

/// The fixtures directory (`tests/fixtures`), for pass cases that load a charm's files at run
/// time (`charm_testing::Harness`).
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use charm_core::juju::{HookTools, ToolOutput};
use charm_core::{Charm, HookEnv, HookReport, RunOptions};

/// What the fake unit agent knows and what the charm told it.
#[derive(Debug, Default)]
pub struct Model {
    /// `config-get --all`.
    pub config: BTreeMap<String, serde_json::Value>,
    /// Relations: endpoint, relation id, remote unit and its data bag.
    pub relations: Vec<(String, String, String, BTreeMap<String, String>)>,
    /// Every `status-set`, as its arguments joined with spaces.
    pub statuses: Vec<String>,
    /// Every `juju-log` message.
    pub logs: Vec<String>,
    /// Every tool call, as `tool arg arg...`.
    pub calls: Vec<String>,
}

impl Model {
    /// The seed's config defaults as `config-get` returns them.
    pub fn with_default_config() -> Self {
        let config = serde_json::json!({
            "vote_image": "docker/example-voting-app-vote:latest",
            "result_image": "docker/example-voting-app-result:latest",
            "worker_image": "docker/example-voting-app-worker:latest",
            "redis_image": "redis:alpine",
            "postgres_image": "postgres:9.4",
            "vote_port": 5000,
            "result_port": 5001,
        });
        let serde_json::Value::Object(map) = config else {
            unreachable!()
        };
        Self {
            config: map.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Adds a remote unit on `endpoint` with `data`.
    pub fn relate(&mut self, endpoint: &str, id: &str, unit: &str, data: &[(&str, &str)]) {
        let data = data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.relations
            .push((endpoint.to_owned(), id.to_owned(), unit.to_owned(), data));
    }
}

/// An in-process [`HookTools`] backed by a shared [`Model`].
pub struct FakeTools(pub Rc<RefCell<Model>>);

fn arg_after<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == flag)?;
    args.get(i + 1).map(String::as_str)
}

impl HookTools for FakeTools {
    fn run(&mut self, tool: &str, args: &[String], _stdin: &[u8]) -> std::io::Result<ToolOutput> {
        let mut model = self.0.borrow_mut();
        model.calls.push(format!("{tool} {}", args.join(" ")));
        let json = |v: serde_json::Value| serde_json::to_vec(&v).unwrap();
        let stdout = match tool {
            "config-get" => json(serde_json::to_value(&model.config).unwrap()),
            "status-set" => {
                model.statuses.push(args.join(" "));
                Vec::new()
            }
            "juju-log" => {
                model.logs.push(args.join(" "));
                Vec::new()
            }
            "is-leader" => b"true".to_vec(),
            "relation-ids" => {
                let endpoint = args.first().map(String::as_str).unwrap_or("");
                let mut ids: Vec<&str> = model
                    .relations
                    .iter()
                    .filter(|r| r.0 == endpoint)
                    .map(|r| r.1.as_str())
                    .collect();
                ids.dedup();
                json(serde_json::json!(ids))
            }
            "relation-list" if args.iter().any(|a| a == "--app") => b"null".to_vec(),
            "relation-list" => {
                let id = arg_after(args, "-r").unwrap_or("");
                let units: Vec<&str> = model
                    .relations
                    .iter()
                    .filter(|r| r.1 == id)
                    .map(|r| r.2.as_str())
                    .collect();
                json(serde_json::json!(units))
            }
            "relation-get" => {
                let id = arg_after(args, "-r").unwrap_or("");
                let unit = args.last().map(String::as_str).unwrap_or("");
                let bag = model
                    .relations
                    .iter()
                    .find(|r| r.1 == id && r.2 == unit)
                    .map(|r| r.3.clone())
                    .unwrap_or_default();
                json(serde_json::json!(bag))
            }
            "opened-ports" => b"[]".to_vec(),
            _ => Vec::new(),
        };
        Ok(ToolOutput {
            code: 0,
            stdout,
            stderr: Vec::new(),
        })
    }
}

/// Runs `hook` of `charm` in `charm_dir` against `model`.
pub fn run_hook(
    charm: &'static Charm,
    charm_dir: &std::path::Path,
    hook: &str,
    model: &Rc<RefCell<Model>>,
) -> HookReport {
    let env = HookEnv {
        hook: hook.to_owned(),
        charm_dir: charm_dir.to_owned(),
        unit_name: format!("{}/0", charm.name),
        ..HookEnv::default()
    };
    charm_core::run_hook(
        charm,
        env,
        Box::new(FakeTools(model.clone())),
        RunOptions::default(),
    )
}

/// The names (`module::function`) of the handlers that ran, in order.
pub fn handlers_run(report: &HookReport) -> Vec<String> {
    report
        .trace
        .entries
        .iter()
        .map(|e| e.handler.to_owned())
        .collect()
}

//! [`Harness::run_action`]: an action run as Juju runs it, its parameters validated against
//! the charm's actions.yaml by the emulator first.

use charm_emulator::{ActionStatus, Hook, JsonMap};

use crate::{Harness, Output};

/// What one action did.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/metadata.yaml",
///     config = "tests/fixtures/doc/config.yaml",
///     flags("app.ready"),
///     allow(unread("app.ready")),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[hook("config-changed")]
///     fn open(unit: &mut Unit) -> Result<()> {
///         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
///         unit.ports().set([Port::Tcp(port)]);
///         unit.flags().set(flags::APP_READY);
///         unit.status().active(format!("on {port}"))
///     }
///
///     #[when("redis.available")]
///     fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
///         unit.endpoint(endpoints::REDIS).publish("client", "app");
///         unit.status().active(format!("cached by {}", redis.host_list()))
///     }
///
///     #[action("greet")]
///     fn greet(unit: &mut Unit, params: actions::Greet) -> Result<()> {
///         unit.action().set("greeting", format!("Hello, {}!", params.name))
///     }
/// }
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/doc");
/// let mut h = charm_testing::Harness::new(&app::CHARM, fixtures, "app/0").unwrap();
/// let out = h.run_action("greet", serde_json::json!({}));
/// assert!(out.completed(), "{out:?}");
/// assert_eq!(out.results["greeting"], "Hello, world!", "the default of actions.yaml");
/// ```
#[derive(Debug)]
pub struct ActionOutput {
    /// The hook run (`actions/<name>`): its result, trace and tool calls. A run refused
    /// before it started (undeclared action, invalid parameters) has the reason here, and
    /// `status` is `None`.
    pub output: Output,
    /// `Completed` or `Failed`, as Juju records it; `None` if the action never started.
    pub status: Option<ActionStatus>,
    /// The results set with `action-set`, nested by dotted keys.
    pub results: JsonMap,
    /// The failure message (`action-fail`, or the error that ended the run).
    pub message: Option<String>,
    /// The `action-log` messages, in order.
    pub logs: Vec<String>,
}

impl ActionOutput {
    /// Whether the action completed.
    pub fn completed(&self) -> bool {
        self.status == Some(ActionStatus::Completed)
    }
}

impl Harness {
    /// Runs action `name` with `params` (a JSON object; `serde_json::json!({})` for none),
    /// as `juju run <unit> <name> key=value...` does: Juju checks the parameters against
    /// actions.yaml and fills in the defaults before the charm runs.
    ///
    /// # Panics
    /// When `params` is not a JSON object.
    pub fn run_action(&mut self, name: &str, params: serde_json::Value) -> ActionOutput {
        let serde_json::Value::Object(params) = params else {
            panic!("run_action: the parameters are a JSON object, e.g. json!({{\"depth\": 2}})");
        };
        let before = self.model().action_history.len();
        let output = self.run_hook(Hook::action(name, params));
        let model = self.model();
        match model.action_history.get(before) {
            Some(run) => ActionOutput {
                status: Some(run.status),
                results: run.results.clone(),
                message: run.message.clone(),
                logs: run.logs.clone(),
                output,
            },
            None => ActionOutput {
                status: None,
                results: JsonMap::new(),
                message: output.result.as_ref().err().map(ToString::to_string),
                logs: Vec::new(),
                output,
            },
        }
    }
}

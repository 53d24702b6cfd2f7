//! [`Harness::run_action`]: an action run as Juju runs it, its parameters validated against
//! the charm's actions.yaml by the emulator first.

use charm_emulator::{ActionStatus, Hook, JsonMap};

use crate::{Harness, Output};

/// What one action did.
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

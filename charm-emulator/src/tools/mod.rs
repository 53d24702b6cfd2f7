//! The hook tools, implemented once, as functions over the model and a hook context.
//!
//! Each family lives in its own file; [`TOOLS`] is the one table of names. A tool is a function
//! from arguments to output bytes or a [`ToolError`]; [`invoke`] adds what every tool shares:
//! finding the context, turning errors into Juju's `ERROR ...` lines and exit codes, and
//! recording the call.

mod action;
pub(crate) mod args;
mod config;
mod contract;
pub(crate) mod format;
mod leader;
mod log;
mod network;
mod ports;
mod relation;
pub(crate) mod secret;
mod state;
mod status;
mod storage;

use std::collections::BTreeMap;
use std::io::Read;

use crate::context::OpenContext;
use crate::model::{Model, ToolCall};

/// What a hook tool gives back: its exit code and output, as a charm process would see them.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let out = emu.call(&ctx.id, "is-leader", &["--format=json".to_owned()], b"");
/// assert_eq!((out.code, out.stdout_text().trim()), (0, "false"));
/// let out = emu.call(&ctx.id, "no-such-tool", &[], b"");
/// assert!(!out.success() && !out.stderr.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolOutput {
    /// Exit code: 0 on success, 1 when the tool failed, 2 for a usage error (as Juju).
    pub code: i32,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error: `ERROR <message>` on failure, warnings otherwise.
    pub stderr: Vec<u8>,
}

impl ToolOutput {
    /// Whether the tool succeeded.
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// Standard output as text (lossy).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text (lossy).
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Standard output parsed as JSON (for calls made with `--format=json`).
    pub fn json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&self.stdout)
    }
}

/// Why a tool call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ToolError {
    /// Bad arguments: exit code 2, as Juju's command line parser.
    Usage(String),
    /// The call was understood but refused or failed: exit code 1.
    Failed(String),
    /// `--help`: the tool's options, printed on standard output with exit code 0, as
    /// Juju's command-line parser does (charmhelpers asks `relation-set --help` whether
    /// `--file` is supported: hookenv.py `relation_set`).
    Help(String),
}

impl ToolError {
    pub(crate) fn message(&self) -> &str {
        match self {
            Self::Usage(m) | Self::Failed(m) | Self::Help(m) => m,
        }
    }

    fn code(&self) -> i32 {
        match self {
            Self::Usage(_) => 2,
            Self::Failed(_) => 1,
            Self::Help(_) => 0,
        }
    }
}

/// One tool call in progress.
pub(crate) struct Call<'a> {
    pub model: &'a mut Model,
    pub context: &'a mut OpenContext,
    pub context_id: &'a str,
    pub stdin: &'a [u8],
    /// Warnings printed on success (e.g. deprecated flags).
    pub warnings: String,
}

/// Hooks Juju runs in a restricted context: every tool but a few answers
/// `not implemented for restricted context` (jujuc/restricted.go@12baae6d
/// `ErrRestrictedContext`; collect-metrics runs in the metrics collector's context, which
/// embeds `RestrictedContext` and adds only the unit name and `add-metric`).
pub const RESTRICTED_HOOKS: &[&str] = &["collect-metrics"];

/// The tools a restricted context still serves.
const RESTRICTED_ALLOWED: &[&str] = &["juju-log", "opened-ports", "add-metric"];

impl Call<'_> {
    /// Whether this call runs in a restricted context (e.g. `collect-metrics`).
    pub(crate) fn restricted(&self) -> bool {
        !self.context.hook.is_action()
            && RESTRICTED_HOOKS.contains(&self.context.hook.name.as_str())
    }

    /// Juju accepts `--format` on tools that print nothing, with a warning.
    pub(crate) fn warn_deprecated_format(&mut self, parsed: &args::Parsed, tool: &str) {
        if parsed.value("format").is_some() {
            self.warnings
                .push_str(&format!("--format flag deprecated for command {tool:?}"));
        }
    }

    /// Reads `--file` content: `-` is standard input, anything else a path.
    pub(crate) fn read_file_arg(&self, path: &str) -> Result<Vec<u8>, ToolError> {
        if path == "-" {
            return Ok(self.stdin.to_vec());
        }
        let mut buf = Vec::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut buf))
            .map_err(|e| ToolError::Failed(format!("cannot read {path}: {e}")))?;
        Ok(buf)
    }
}

type Handler = fn(&mut Call<'_>, &[String]) -> Result<Vec<u8>, ToolError>;

/// Every emulated tool, by the name a charm calls it.
const TOOLS: &[(&str, Handler)] = &[
    ("action-fail", action::action_fail),
    ("action-get", action::action_get),
    ("action-log", action::action_log),
    ("action-set", action::action_set),
    ("application-version-set", status::application_version_set),
    ("close-port", ports::close_port),
    ("config-get", config::config_get),
    ("credential-get", contract::credential_get),
    ("goal-state", contract::goal_state),
    ("is-leader", leader::is_leader),
    ("juju-log", log::juju_log),
    ("leader-get", leader::leader_get),
    ("leader-set", leader::leader_set),
    ("network-get", network::network_get),
    ("open-port", ports::open_port),
    ("opened-ports", ports::opened_ports),
    ("relation-get", relation::relation_get),
    ("relation-ids", relation::relation_ids),
    ("relation-list", relation::relation_list),
    ("relation-set", relation::relation_set),
    ("resource-get", contract::resource_get),
    ("secret-add", secret::secret_add),
    ("secret-get", secret::secret_get),
    ("secret-grant", secret::secret_grant),
    ("secret-ids", secret::secret_ids),
    ("secret-info-get", secret::secret_info_get),
    ("secret-remove", secret::secret_remove),
    ("secret-revoke", secret::secret_revoke),
    ("secret-set", secret::secret_set),
    ("state-delete", state::state_delete),
    ("state-get", state::state_get),
    ("state-set", state::state_set),
    ("status-get", status::status_get),
    ("status-set", status::status_set),
    ("storage-add", storage::storage_add),
    ("storage-get", storage::storage_get),
    ("storage-list", storage::storage_list),
    ("unit-get", network::unit_get),
];

/// The names of every emulated hook tool, sorted.
///
/// ```
/// assert!(charm_emulator::tool_names().any(|t| t == "relation-set"));
/// ```
pub fn tool_names() -> impl Iterator<Item = &'static str> {
    TOOLS.iter().map(|(name, _)| *name)
}

/// Runs one tool call in context `context_id` and records it in `model.calls`.
pub(crate) fn invoke(
    model: &mut Model,
    context_id: &str,
    tool: &str,
    args: &[String],
    stdin: &[u8],
) -> ToolOutput {
    let output = run(model, context_id, tool, args, stdin);
    let call = ToolCall {
        context: context_id.to_owned(),
        tool: tool.to_owned(),
        args: args.to_vec(),
        exit_code: output.code,
    };
    model.calls.push(call);
    output
}

fn run(
    model: &mut Model,
    context_id: &str,
    tool: &str,
    args: &[String],
    stdin: &[u8],
) -> ToolOutput {
    let Some((_, handler)) = TOOLS.iter().find(|(name, _)| *name == tool) else {
        return failure(&ToolError::Failed(format!(
            "{tool:?} is not a hook tool the emulator knows (known: {})",
            tool_names().collect::<Vec<_>>().join(", ")
        )));
    };
    // The context is taken out of the model for the call so a tool can borrow both freely.
    let Some(mut context) = model.contexts.remove(context_id) else {
        return failure(&ToolError::Failed(format!(
            "bad request: unknown context {context_id:?} (hook tools work only while a hook runs)"
        )));
    };
    let mut call = Call {
        model,
        context: &mut context,
        context_id,
        stdin,
        warnings: String::new(),
    };
    let result = if call.restricted() && !RESTRICTED_ALLOWED.contains(&tool) {
        Err(ToolError::Failed(
            "not implemented for restricted context".to_owned(),
        ))
    } else {
        handler(&mut call, args)
    };
    let warnings = std::mem::take(&mut call.warnings);
    model.contexts.insert(context_id.to_owned(), context);
    match result {
        Ok(stdout) => ToolOutput {
            code: 0,
            stdout,
            stderr: warnings.into_bytes(),
        },
        Err(ToolError::Help(options)) => ToolOutput {
            code: 0,
            stdout: format!("Usage: {tool} [options]\n\nOptions:\n{options}").into_bytes(),
            stderr: Vec::new(),
        },
        Err(e) => failure(&e),
    }
}

fn failure(error: &ToolError) -> ToolOutput {
    ToolOutput {
        code: error.code(),
        stdout: Vec::new(),
        stderr: format!("ERROR {}\n", error.message()).into_bytes(),
    }
}

/// Parses a `--file` YAML map into string settings, as Juju's relation-set and state-set do.
pub(crate) fn yaml_settings(data: &[u8]) -> Result<BTreeMap<String, String>, ToolError> {
    let text = std::str::from_utf8(data)
        .map_err(|_| ToolError::Failed("settings file is not UTF-8".to_owned()))?;
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    let value: charm_yaml::Value = charm_yaml::from_str(text)
        .map_err(|e| ToolError::Failed(format!("cannot parse settings file: {e}")))?;
    let map = match value {
        charm_yaml::Value::Null => return Ok(BTreeMap::new()),
        charm_yaml::Value::Mapping(map) => map,
        _ => {
            return Err(ToolError::Failed(
                "expected YAML map of settings".to_owned(),
            ));
        }
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let key = scalar_text(&k)
            .ok_or_else(|| ToolError::Failed("settings keys must be strings".to_owned()))?;
        let value = match v {
            // Go's YAML decoder gives "" for null, and an empty value deletes.
            charm_yaml::Value::Null => String::new(),
            other => scalar_text(&other).ok_or_else(|| {
                ToolError::Failed(format!(
                    "setting {key:?} must be a string, not a list or map"
                ))
            })?,
        };
        out.insert(key, value);
    }
    Ok(out)
}

fn scalar_text(v: &charm_yaml::Value) -> Option<String> {
    match v {
        charm_yaml::Value::String(s) => Some(s.clone()),
        charm_yaml::Value::Bool(b) => Some(b.to_string()),
        charm_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

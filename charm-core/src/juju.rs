//! Typed access to Juju's hook tools.
//!
//! Handlers rarely need this module beyond its value types ([`Port`], [`StatusKind`],
//! [`LogLevel`]): the facets of [`Unit`](crate::Unit) call the tools. [`Juju`], from
//! `unit.juju()`, is the escape hatch: one method per tool, each exactly one call (on a unit,
//! Juju's executables on `PATH`; in tests, the emulator's, or the harness in-process). Tools
//! that read are always called with `--format=json`. [`Juju`] counts calls, because each one
//! is a round trip to the unit agent.
//!
//! ```
//! use charm_core::juju::{LogLevel, Port, StatusKind};
//! assert_eq!("1000-2000/udp".parse::<Port>().unwrap(), Port::Range { from: 1000, to: 2000, udp: true });
//! assert_eq!(StatusKind::Blocked.as_str(), "blocked");
//! assert_eq!(LogLevel::parse("warn"), Some(LogLevel::Warning));
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// What a hook tool printed and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[doc(hidden)]
pub struct ToolOutput {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
}

/// A way to run hook tools.
///
/// ```
/// use charm_core::juju::{HookTools, ToolOutput};
/// struct AlwaysLeader;
/// impl HookTools for AlwaysLeader {
///     fn run(&mut self, tool: &str, _args: &[String], _stdin: &[u8]) -> std::io::Result<ToolOutput> {
///         assert_eq!(tool, "is-leader");
///         Ok(ToolOutput { code: 0, stdout: b"true".to_vec(), stderr: vec![] })
///     }
/// }
/// let mut juju = charm_core::juju::Juju::new(Box::new(AlwaysLeader));
/// assert!(juju.is_leader().unwrap());
/// ```
#[doc(hidden)]
pub trait HookTools {
    /// Runs `tool` with `args`, feeding `stdin`.
    fn run(&mut self, tool: &str, args: &[String], stdin: &[u8]) -> std::io::Result<ToolOutput>;
}

/// Runs the hook-tool executables found on `PATH`: in a hook, Juju's.
///
/// Variables given with [`ProcessTools::with_env`] are added to each tool's environment
/// (a `PATH` among them is also where the tool is looked up), for running tools of a hook
/// context from outside the hook, as tests do.
///
/// ```
/// use charm_core::juju::{HookTools, ProcessTools};
/// let mut tools = ProcessTools::default().with_env("PATH", "/nonexistent");
/// assert!(tools.run("config-get", &[], b"").is_err(), "looked up on the given PATH");
/// ```
#[derive(Debug, Default, Clone)]
#[doc(hidden)]
pub struct ProcessTools {
    env: BTreeMap<String, String>,
}

impl ProcessTools {
    /// Adds `key=value` to the environment of every tool.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }
}

impl HookTools for ProcessTools {
    fn run(&mut self, tool: &str, args: &[String], stdin: &[u8]) -> std::io::Result<ToolOutput> {
        let mut child = Command::new(tool)
            .args(args)
            .envs(&self.env)
            .stdin(if stdin.is_empty() {
                Stdio::null()
            } else {
                Stdio::piped()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut pipe) = child.stdin.take() {
            pipe.write_all(stdin)?;
        }
        let out = child.wait_with_output()?;
        Ok(ToolOutput {
            code: out.status.code().unwrap_or(-1),
            stdout: out.stdout,
            stderr: out.stderr,
        })
    }
}

/// A workload status.
///
/// ```
/// use charm_core::StatusKind;
/// assert_eq!(StatusKind::Waiting.as_str(), "waiting");
/// assert_eq!(serde_json::to_string(&StatusKind::Active).unwrap(), r#""active""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusKind {
    /// The charm is doing something.
    Maintenance,
    /// Needs a human.
    Blocked,
    /// Waiting for something outside the charm.
    Waiting,
    /// Ready.
    Active,
}

impl StatusKind {
    /// The word Juju uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Maintenance => "maintenance",
            Self::Blocked => "blocked",
            Self::Waiting => "waiting",
            Self::Active => "active",
        }
    }
}

/// A status with its message.
///
/// ```
/// use charm_core::{Status, StatusKind};
/// let status = Status { kind: StatusKind::Active, message: "Ready to vote!".into() };
/// assert_eq!(serde_json::to_value(&status).unwrap(), serde_json::json!({"kind": "active", "message": "Ready to vote!"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
pub struct Status {
    /// The kind.
    pub kind: StatusKind,
    /// The message shown in `juju status`.
    pub message: String,
}

/// What `status-get --include-data --format=json` answers.
///
/// ```
/// let json = r#"{"status": "error", "message": "hook failed: \"install\"", "status-data": {}}"#;
/// let info: charm_core::juju::StatusInfo = serde_json::from_str(json).unwrap();
/// assert_eq!(info.status, "error");
/// assert!(info.message.contains("install"));
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusInfo {
    /// The status word (may also be `unknown`, `error`, ...).
    pub status: String,
    /// Its message.
    #[serde(default)]
    pub message: String,
    /// Extra data.
    #[serde(default, rename = "status-data")]
    pub status_data: Value,
}

/// A port range and protocol, as `open-port` takes it.
///
/// ```
/// use charm_core::Port;
/// let port: Port = "5000".parse().unwrap();
/// assert_eq!(port, Port::Tcp(5000), "TCP unless it says otherwise");
/// assert_eq!(Port::Udp(53).to_string(), "53/udp");
/// assert!("0/tcp".parse::<Port>().unwrap_err().to_string().contains("invalid port `0/tcp`"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Port {
    /// One TCP port.
    Tcp(u16),
    /// One UDP port.
    Udp(u16),
    /// A range, inclusive, with protocol `tcp` or `udp`.
    Range {
        /// First port.
        from: u16,
        /// Last port.
        to: u16,
        /// `true` for UDP.
        udp: bool,
    },
    /// ICMP.
    Icmp,
}

impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tcp(p) => write!(f, "{p}/tcp"),
            Self::Udp(p) => write!(f, "{p}/udp"),
            Self::Range { from, to, udp } => {
                write!(f, "{from}-{to}/{}", if *udp { "udp" } else { "tcp" })
            }
            Self::Icmp => f.write_str("icmp"),
        }
    }
}

impl std::str::FromStr for Port {
    type Err = Error;

    /// Parses `5000`, `5000/tcp`, `53/udp`, `1000-2000/tcp`, `icmp`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::msg(format!(
                "invalid port `{s}`: expected e.g. 5000/tcp, 1000-2000/udp or icmp"
            ))
        };
        if s == "icmp" {
            return Ok(Self::Icmp);
        }
        let (range, proto) = s.split_once('/').unwrap_or((s, "tcp"));
        let udp = match proto {
            "tcp" => false,
            "udp" => true,
            _ => return Err(bad()),
        };
        let parse = |p: &str| p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad);
        match range.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (parse(from)?, parse(to)?);
                if from > to {
                    return Err(bad());
                }
                if from == to {
                    return Ok(if udp {
                        Self::Udp(from)
                    } else {
                        Self::Tcp(from)
                    });
                }
                Ok(Self::Range { from, to, udp })
            }
            None => {
                let p = parse(range)?;
                Ok(if udp { Self::Udp(p) } else { Self::Tcp(p) })
            }
        }
    }
}

/// Addresses of a binding, from `network-get`.
///
/// ```
/// let json = r#"{"bind-addresses": [], "egress-subnets": ["10.0.0.7/32"], "ingress-addresses": ["10.0.0.7"]}"#;
/// let info: charm_core::juju::NetworkInfo = serde_json::from_str(json).unwrap();
/// assert_eq!(info.ingress_addresses, ["10.0.0.7"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct NetworkInfo {
    /// Where the unit listens.
    #[serde(default, rename = "bind-addresses")]
    pub bind_addresses: Vec<Value>,
    /// Subnets of egress traffic.
    #[serde(default, rename = "egress-subnets")]
    pub egress_subnets: Vec<String>,
    /// Addresses others should connect to.
    #[serde(default, rename = "ingress-addresses")]
    pub ingress_addresses: Vec<String>,
}

/// Log levels of `juju-log`.
///
/// ```
/// use charm_core::LogLevel;
/// assert!(LogLevel::Debug < LogLevel::Info, "ordered: a unit's level drops what is below it");
/// assert_eq!(LogLevel::parse("CRITICAL").map(LogLevel::as_str), Some("ERROR"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something is off.
    Warning,
    /// Something failed.
    Error,
}

impl LogLevel {
    /// The word Juju uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "DEBUG",
            Self::Info => "INFO",
            Self::Warning => "WARNING",
            Self::Error => "ERROR",
        }
    }

    /// Parses `DEBUG`, `info`, `WARN`, ... (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "DEBUG" | "TRACE" => Some(Self::Debug),
            "INFO" => Some(Self::Info),
            "WARNING" | "WARN" => Some(Self::Warning),
            "ERROR" | "CRITICAL" => Some(Self::Error),
            _ => None,
        }
    }
}

/// Typed hook tools over a [`HookTools`] backend. Each method is exactly one tool call.
///
/// ```
/// # fn handler(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
/// // A tool no facet wraps, e.g. `unit-get public-address`:
/// let address = unit.juju().unit_get("public-address")?;
/// unit.log().info(format!("reachable at {address}"));
/// # Ok(())
/// # }
/// ```
pub struct Juju {
    tools: Box<dyn HookTools>,
    calls: u32,
}

impl std::fmt::Debug for Juju {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Juju")
            .field("calls", &self.calls)
            .finish_non_exhaustive()
    }
}

fn args<const N: usize>(list: [&str; N]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Juju {
    /// Typed tools over `tools`.
    #[doc(hidden)]
    pub fn new(tools: Box<dyn HookTools>) -> Self {
        Self { tools, calls: 0 }
    }

    /// How many tool calls this client made.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// Runs one tool; a non-zero exit is an [`Error::HookTool`] naming tool, args and stderr.
    pub fn call(&mut self, tool: &str, args: Vec<String>, stdin: &[u8]) -> Result<Vec<u8>> {
        self.calls += 1;
        let failed = |code, stderr: String, args: Vec<String>| Error::HookTool {
            tool: tool.to_owned(),
            args,
            code,
            stderr,
        };
        match self.tools.run(tool, &args, stdin) {
            Ok(out) if out.code == 0 => Ok(out.stdout),
            Ok(out) => Err(failed(
                out.code,
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
                args,
            )),
            Err(err) => Err(failed(-1, err.to_string(), args)),
        }
    }

    pub(crate) fn json<T: DeserializeOwned>(&mut self, tool: &str, args: Vec<String>) -> Result<T> {
        let out = self.call(tool, args, b"")?;
        // Some tools print nothing for "no value"; JSON null is the same thing.
        let text = String::from_utf8_lossy(&out);
        let text = if text.trim().is_empty() {
            "null"
        } else {
            text.trim()
        };
        serde_json::from_str(text).map_err(|err| Error::ToolOutput {
            tool: tool.to_owned(),
            message: format!("{err}: {}", truncate(text, 200)),
        })
    }

    /// `config-get --all --format=json`.
    pub fn config_get_all(&mut self) -> Result<BTreeMap<String, Value>> {
        let map: Option<BTreeMap<String, Value>> =
            self.json("config-get", args(["--all", "--format=json"]))?;
        Ok(map.unwrap_or_default())
    }

    /// `config-get KEY --format=json`.
    pub fn config_get(&mut self, key: &str) -> Result<Value> {
        self.json("config-get", args([key, "--format=json"]))
    }

    /// `status-set [--application] KIND MESSAGE`.
    pub fn status_set(&mut self, status: &Status, application: bool) -> Result<()> {
        let mut a = Vec::new();
        if application {
            a.push("--application".to_owned());
        }
        a.push(status.kind.as_str().to_owned());
        // `--`: a message starting with "-" is not a flag (gnuflag; ops/hookcmds/_status.py
        // does the same: "The '--' allows messages that start with a hyphen.").
        a.push("--".to_owned());
        a.push(free_text(&status.message));
        self.call("status-set", a, b"").map(drop)
    }

    /// `status-get --include-data --format=json [--application]`. With `--application` Juju
    /// wraps the answer as `{"application-status": {..., "units": {...}}}`.
    pub fn status_get(&mut self, application: bool) -> Result<StatusInfo> {
        if !application {
            return self.json("status-get", args(["--include-data", "--format=json"]));
        }
        #[derive(Deserialize)]
        struct Wrapped {
            #[serde(rename = "application-status")]
            application_status: StatusInfo,
        }
        let wrapped: Wrapped = self.json(
            "status-get",
            args(["--include-data", "--format=json", "--application"]),
        )?;
        Ok(wrapped.application_status)
    }

    /// `open-port PORT`.
    pub fn open_port(&mut self, port: Port) -> Result<()> {
        self.call("open-port", vec![port.to_string()], b"")
            .map(drop)
    }

    /// `close-port PORT`.
    pub fn close_port(&mut self, port: Port) -> Result<()> {
        self.call("close-port", vec![port.to_string()], b"")
            .map(drop)
    }

    /// `opened-ports --format=json`: the ports committed by earlier hooks.
    pub fn opened_ports(&mut self) -> Result<Vec<Port>> {
        let list: Option<Vec<String>> = self.json("opened-ports", args(["--format=json"]))?;
        list.unwrap_or_default().iter().map(|p| p.parse()).collect()
    }

    /// `relation-ids ENDPOINT --format=json`.
    pub fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<String>> {
        let ids: Option<Vec<String>> =
            self.json("relation-ids", args([endpoint, "--format=json"]))?;
        Ok(ids.unwrap_or_default())
    }

    /// `relation-list -r ID --format=json`: the remote units.
    pub fn relation_list(&mut self, relation_id: &str) -> Result<Vec<String>> {
        let units: Option<Vec<String>> =
            self.json("relation-list", args(["-r", relation_id, "--format=json"]))?;
        Ok(units.unwrap_or_default())
    }

    /// `relation-list -r ID --app --format=json`: the remote application.
    pub fn relation_app(&mut self, relation_id: &str) -> Result<Option<String>> {
        self.json(
            "relation-list",
            args(["-r", relation_id, "--app", "--format=json"]),
        )
    }

    /// `relation-get --format=json -r ID - UNIT` (or `--app ... APP`): every key of a bag.
    pub fn relation_get(
        &mut self,
        relation_id: &str,
        unit_or_app: &str,
        app: bool,
    ) -> Result<BTreeMap<String, String>> {
        let mut a = args(["--format=json", "-r", relation_id]);
        if app {
            a.push("--app".to_owned());
        }
        a.push("-".to_owned());
        a.push(unit_or_app.to_owned());
        let map: Option<BTreeMap<String, Value>> = self.json("relation-get", a)?;
        Ok(map
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect())
    }

    /// `relation-set -r ID [--app] --file -` with a YAML map on stdin; an empty value deletes.
    pub fn relation_set(
        &mut self,
        relation_id: &str,
        data: &BTreeMap<String, String>,
        app: bool,
    ) -> Result<()> {
        let mut a = args(["-r", relation_id]);
        if app {
            a.push("--app".to_owned());
        }
        a.extend(args(["--file", "-"]));
        // YAML through the one serializer: every value quoted as needed, no injection.
        let yaml = charm_yaml::to_string(data)?;
        self.call("relation-set", a, yaml.as_bytes()).map(drop)
    }

    /// `unit-get KEY --format=json` (`private-address`, `public-address`).
    pub fn unit_get(&mut self, key: &str) -> Result<String> {
        self.json("unit-get", args([key, "--format=json"]))
    }

    /// `network-get ENDPOINT -r ID --ingress-address --format=json`: the address remote units
    /// of that relation should connect to (Juju picks it per relation: spaces, cross-model).
    pub fn ingress_address(&mut self, endpoint: &str, relation_id: &str) -> Result<String> {
        let address: Option<String> = self.json(
            "network-get",
            args([
                endpoint,
                "-r",
                relation_id,
                "--ingress-address",
                "--format=json",
            ]),
        )?;
        address.ok_or_else(|| {
            Error::msg(format!(
                "network-get {endpoint} -r {relation_id}: no ingress address"
            ))
        })
    }

    /// `network-get BINDING --format=json [-r ID]`.
    pub fn network_get(&mut self, binding: &str, relation_id: Option<&str>) -> Result<NetworkInfo> {
        let mut a = args([binding, "--format=json"]);
        if let Some(id) = relation_id {
            a.extend(args(["-r", id]));
        }
        self.json("network-get", a)
    }

    /// `juju-log -l LEVEL -- MESSAGE`.
    pub fn juju_log(&mut self, level: LogLevel, message: &str) -> Result<()> {
        let message = free_text(message);
        self.call(
            "juju-log",
            args(["-l", level.as_str(), "--", &message]),
            b"",
        )
        .map(drop)
    }

    /// `is-leader --format=json`.
    pub fn is_leader(&mut self) -> Result<bool> {
        self.json("is-leader", args(["--format=json"]))
    }

    /// `leader-get --format=json`.
    pub fn leader_get(&mut self) -> Result<BTreeMap<String, String>> {
        let map: Option<BTreeMap<String, String>> =
            self.json("leader-get", args(["--format=json"]))?;
        Ok(map.unwrap_or_default())
    }

    /// `leader-set k=v ...` (leader only; immediate).
    pub fn leader_set(&mut self, data: &BTreeMap<String, String>) -> Result<()> {
        let a = data.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.call("leader-set", a, b"").map(drop)
    }

    /// `action-get --format=json`: the action's parameters.
    pub fn action_get(&mut self) -> Result<Value> {
        self.json("action-get", args(["--format=json"]))
    }

    /// `action-set k=v ...`; dotted keys nest.
    pub fn action_set(&mut self, data: &BTreeMap<String, String>) -> Result<()> {
        let a = data.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.call("action-set", a, b"").map(drop)
    }

    /// `action-fail MESSAGE`.
    pub fn action_fail(&mut self, message: &str) -> Result<()> {
        self.call("action-fail", args(["--", &free_text(message)]), b"")
            .map(drop)
    }

    /// `action-log MESSAGE`.
    pub fn action_log(&mut self, message: &str) -> Result<()> {
        self.call("action-log", args(["--", &free_text(message)]), b"")
            .map(drop)
    }

    /// `application-version-set VERSION`.
    pub fn application_version_set(&mut self, version: &str) -> Result<()> {
        self.call(
            "application-version-set",
            args(["--", &free_text(version)]),
            b"",
        )
        .map(drop)
    }

    /// `state-get --format=json`: the charm state kept by the controller.
    pub fn state_get(&mut self) -> Result<BTreeMap<String, String>> {
        let map: Option<BTreeMap<String, String>> =
            self.json("state-get", args(["--format=json"]))?;
        Ok(map.unwrap_or_default())
    }

    /// `state-set --file -` with a YAML map on stdin.
    pub fn state_set(&mut self, data: &BTreeMap<String, String>) -> Result<()> {
        let yaml = charm_yaml::to_string(data)?;
        self.call("state-set", args(["--file", "-"]), yaml.as_bytes())
            .map(drop)
    }

    /// `state-delete KEY`.
    pub fn state_delete(&mut self, key: &str) -> Result<()> {
        self.call("state-delete", vec![key.to_owned()], b"")
            .map(drop)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A free-text argument as a process argument can carry it: a NUL (which no argument can
/// hold, so the call would fail the hook) becomes U+FFFD.
pub(crate) fn free_text(text: &str) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_and_print() {
        for (text, port) in [
            ("5000", Port::Tcp(5000)),
            ("5000/tcp", Port::Tcp(5000)),
            ("53/udp", Port::Udp(53)),
            (
                "1000-2000/tcp",
                Port::Range {
                    from: 1000,
                    to: 2000,
                    udp: false,
                },
            ),
            ("icmp", Port::Icmp),
        ] {
            assert_eq!(text.parse::<Port>().unwrap(), port);
        }
        assert_eq!(Port::Tcp(80).to_string(), "80/tcp");
        for bad in ["", "0", "x/tcp", "80/sctp", "2000-1000/tcp", "70000"] {
            let err = bad.parse::<Port>().unwrap_err().to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    struct Failing;
    impl HookTools for Failing {
        fn run(&mut self, _: &str, _: &[String], _: &[u8]) -> std::io::Result<ToolOutput> {
            Ok(ToolOutput {
                code: 2,
                stdout: vec![],
                stderr: b"ERROR no relation\n".to_vec(),
            })
        }
    }

    #[test]
    fn tool_error_names_tool_args_code_and_stderr() {
        let err = Juju::new(Box::new(Failing))
            .relation_list("redis:3")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "hook tool `relation-list -r redis:3 --format=json` failed (exit code 2): ERROR no relation"
        );
    }
}

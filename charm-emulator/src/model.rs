//! The world of one unit, as the unit agent and the controller would know it.
//!
//! A [`Model`] is plain data: it serialises to the model directory's `model.json` (see
//! [`ModelDir`](crate::ModelDir)) and is what a test inspects after a hook. Everything here is
//! *committed* state; the writes a hook buffers live in its open context
//! ([`OpenContext`](crate::OpenContext)) until the hook ends.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::context::OpenContext;
use crate::error::{Error, Result};
use crate::time::now_rfc3339;

/// A JSON object, as action parameters and results and status data are.
///
/// ```
/// let mut status_data = charm_emulator::JsonMap::new();
/// status_data.insert("progress".into(), serde_json::json!(50));
/// assert_eq!(status_data["progress"], 50);
/// ```
pub type JsonMap = serde_json::Map<String, Value>;

/// A data bag: relation settings, leader settings and charm state are maps of strings.
///
/// ```
/// let bag: charm_emulator::Bag = [("host".to_owned(), "10.0.0.7".to_owned())].into();
/// assert_eq!(bag["host"], "10.0.0.7");
/// ```
pub type Bag = BTreeMap<String, String>;

/// Version of the `model.json` layout; bumped when an older file could be misread.
///
/// Format 2 keeps the relations in `relations.json` and the records (calls, logs, hooks,
/// status and action history) in append-only files under `history/`; format 3 moves each
/// remote unit of a relation to a file of its own (`relations/<id>/`). Older files, with
/// relations or units inline, are still read and are rewritten as format 3 by their next
/// save.
pub const MODEL_FORMAT: u32 = 3;

/// The loopback address every default answer uses, so local deploys stay on this machine.
pub const LOOPBACK: &str = "127.0.0.1";

/// One unit's world. Field names serialise in kebab-case.
///
/// ```
/// use charm_emulator::Model;
/// let mut model = Model::new("web/0").unwrap();
/// model.leader = true;
/// model.config_values.insert("port".into(), serde_json::json!(8080));
/// assert_eq!(model.unit, "web/0");
/// assert!(model.relations.is_empty() && model.opened_ports.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Model {
    /// Layout version, [`MODEL_FORMAT`].
    pub format: u32,
    /// The unit, `app/0`.
    pub unit: String,
    /// Model name (`JUJU_MODEL_NAME`).
    pub model_name: String,
    /// Model UUID (`JUJU_MODEL_UUID`).
    pub model_uuid: String,
    /// Machine id (`JUJU_MACHINE_ID`).
    pub machine_id: String,
    /// Availability zone (`JUJU_AVAILABILITY_ZONE`).
    pub availability_zone: String,
    /// The Juju version the emulator claims to be (`JUJU_VERSION`).
    pub juju_version: String,
    /// The principal unit for a subordinate, empty for a principal (`JUJU_PRINCIPAL_UNIT`).
    #[serde(default)]
    pub principal_unit: String,
    /// Proxy settings handed to hooks as `JUJU_CHARM_*_PROXY`.
    #[serde(default)]
    pub proxies: Proxies,
    /// The charm directory hooks run in, when known.
    #[serde(default)]
    pub charm_dir: Option<PathBuf>,
    /// Relation endpoints declared by metadata.yaml.
    #[serde(default)]
    pub endpoints: BTreeMap<String, Endpoint>,
    /// `extra-bindings` of metadata.yaml: valid `network-get` bindings besides endpoints.
    #[serde(default)]
    pub extra_bindings: BTreeSet<String>,
    /// Config options declared by config.yaml.
    #[serde(default)]
    pub config: BTreeMap<String, ConfigOption>,
    /// Values set by the operator; an option without one reads as its default.
    #[serde(default)]
    pub config_values: BTreeMap<String, Value>,
    /// Whether this unit is the application leader.
    #[serde(default)]
    pub leader: bool,
    /// Leader settings (`leader-get`/`leader-set`).
    #[serde(default)]
    pub leader_settings: Bag,
    /// Relations by number (the `N` of `endpoint:N`).
    #[serde(default)]
    pub relations: BTreeMap<u64, Relation>,
    /// The number the next relation gets: Juju numbers relations model-wide.
    #[serde(default)]
    pub next_relation_id: u64,
    /// Ports committed by successful hooks.
    #[serde(default)]
    pub opened_ports: BTreeSet<PortRange>,
    /// Ports other units on the same machine hold (`open-port` refuses an overlap with them,
    /// as Juju's `checkForConflict` does).
    #[serde(default)]
    pub machine_ports: BTreeMap<String, BTreeSet<PortRange>>,
    /// Actions declared by actions.yaml, by name (empty when the charm has none).
    #[serde(default)]
    pub actions: BTreeMap<String, ActionSpec>,
    /// Current unit (workload) status.
    pub unit_status: Status,
    /// Every unit status ever set, oldest first, the current one last.
    #[serde(default)]
    pub unit_status_history: Vec<Status>,
    /// The last status other than `error`: what Juju shows again once a failed hook is
    /// followed by a successful one (kept apart so that needs no history).
    #[serde(default)]
    pub workload_status: Option<Status>,
    /// Current application status.
    pub application_status: Status,
    /// Every application status ever set, oldest first.
    #[serde(default)]
    pub application_status_history: Vec<Status>,
    /// Version set by `application-version-set`.
    #[serde(default)]
    pub application_version: String,
    /// Charm state kept by the controller (`state-get`/`state-set`).
    #[serde(default)]
    pub charm_state: Bag,
    /// The action being run, if any.
    #[serde(default)]
    pub action: Option<ActionRun>,
    /// Finished actions, oldest first.
    #[serde(default)]
    pub action_history: Vec<ActionRun>,
    /// The id the next action gets (Juju 3 action ids are numbers).
    #[serde(default)]
    pub next_action_id: u64,
    /// Addresses `unit-get` answers.
    #[serde(default)]
    pub addresses: Addresses,
    /// Answers of `network-get`.
    #[serde(default)]
    pub network: Network,
    /// The debug log: `juju-log` records and hook output.
    #[serde(default)]
    pub logs: Vec<LogRecord>,
    /// Every hook-tool call, in order.
    #[serde(default)]
    pub calls: Vec<ToolCall>,
    /// Every hook run, in order.
    #[serde(default)]
    pub hooks: Vec<HookRecord>,
    /// Hook contexts that are open (a hook is running), with their buffered writes.
    #[serde(default)]
    pub contexts: BTreeMap<String, OpenContext>,
    /// Secrets, storage, resources, goal-state and credentials ([`Contract`](crate::Contract)).
    #[serde(default)]
    pub contract: crate::contract::Contract,
}

/// Proxy settings of the model.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut model = Model::new("web/0").unwrap();
/// model.proxies.http = "http://proxy.internal:3128".into();
/// let mut emu = Emulator::new(model);
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// assert_eq!(ctx.env["JUJU_CHARM_HTTP_PROXY"], "http://proxy.internal:3128");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Proxies {
    /// `JUJU_CHARM_HTTP_PROXY`.
    #[serde(default)]
    pub http: String,
    /// `JUJU_CHARM_HTTPS_PROXY`.
    #[serde(default)]
    pub https: String,
    /// `JUJU_CHARM_FTP_PROXY`.
    #[serde(default)]
    pub ftp: String,
    /// `JUJU_CHARM_NO_PROXY`.
    #[serde(default)]
    pub no_proxy: String,
}

/// The side of a relation endpoint, as declared in metadata.yaml.
///
/// ```
/// use charm_emulator::{Endpoint, Model, Role};
/// let mut model = Model::new("web/0").unwrap();
/// model.endpoints.insert("db".into(), Endpoint { role: Role::Requires, interface: "pgsql".into() });
/// assert!(model.add_relation("db", "postgresql").is_ok());
/// assert!(model.add_relation("cache", "redis").is_err(), "not an endpoint of the charm");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Under `provides`.
    Provides,
    /// Under `requires`.
    Requires,
    /// Under `peers`: the remote application is our own.
    Peers,
}

/// A relation endpoint of the charm.
///
/// ```
/// use charm_emulator::{Endpoint, Role};
/// let db = Endpoint { role: Role::Requires, interface: "pgsql".into() };
/// assert_eq!(db.interface, "pgsql");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Endpoint {
    /// Which metadata section declares it.
    pub role: Role,
    /// The interface name.
    pub interface: String,
}

/// A config option type of config.yaml.
///
/// ```
/// let t: charm_emulator::ConfigType = serde_json::from_str(r#""boolean""#).unwrap();
/// assert_eq!(t, charm_emulator::ConfigType::Boolean);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigType {
    /// `string` (also the type of an option that names none).
    String,
    /// `int`, a 64-bit integer.
    Int,
    /// `float`.
    Float,
    /// `boolean`.
    Boolean,
    /// `secret`: a secret URI, a string as far as `config-get` is concerned.
    Secret,
}

impl ConfigType {
    /// The name config.yaml uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Int => "int",
            Self::Float => "float",
            Self::Boolean => "boolean",
            Self::Secret => "secret",
        }
    }

    /// Parses an operator's value (`juju config app key=value`) as this type.
    ///
    /// ```
    /// use charm_emulator::ConfigType;
    /// assert_eq!(ConfigType::Int.parse("42").unwrap(), serde_json::json!(42));
    /// assert_eq!(ConfigType::Boolean.parse("True").unwrap(), serde_json::json!(true));
    /// assert!(ConfigType::Float.parse("fast").is_err());
    /// ```
    pub fn parse(self, raw: &str) -> Result<Value, String> {
        match self {
            Self::String | Self::Secret => Ok(Value::String(raw.to_owned())),
            Self::Int => raw
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("expected int, got {raw:?}")),
            Self::Float => raw
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .ok_or_else(|| format!("expected float, got {raw:?}")),
            // Juju parses booleans with Go's strconv.ParseBool.
            Self::Boolean => match raw.trim() {
                "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(Value::Bool(true)),
                "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(Value::Bool(false)),
                _ => Err(format!("expected boolean, got {raw:?}")),
            },
        }
    }

    /// Whether an already typed value (from YAML or JSON) fits this type.
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            Self::String | Self::Secret => value.is_string(),
            Self::Int => value.is_i64() || value.is_u64(),
            Self::Float => value.is_number(),
            Self::Boolean => value.is_boolean(),
        }
    }
}

/// A config option of config.yaml.
///
/// ```
/// let option: charm_emulator::ConfigOption = charm_yaml::from_str("type: string\ndefault: world\n").unwrap();
/// assert_eq!(option.kind, charm_emulator::ConfigType::String);
/// assert_eq!(option.default, Some(serde_json::json!("world")));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigOption {
    /// The declared type.
    #[serde(rename = "type")]
    pub kind: ConfigType,
    /// The default, if any; an option with neither default nor value reads as null.
    #[serde(default)]
    pub default: Option<Value>,
    /// The description, for people.
    #[serde(default)]
    pub description: String,
}

/// A relation of this unit's application with a remote application.
///
/// ```
/// let mut model = charm_emulator::Model::new("web/0").unwrap();
/// let id = model.add_relation("db", "postgresql").unwrap();
/// let rel = &model.relations[&id];
/// assert_eq!((rel.endpoint.as_str(), rel.remote_app.as_str()), ("db", "postgresql"));
/// assert!(rel.remote_units.is_empty(), "no unit joined yet");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Relation {
    /// Our endpoint name (`JUJU_RELATION`).
    pub endpoint: String,
    /// The remote application (our own for a peer relation).
    pub remote_app: String,
    /// Remote units in the relation, by name.
    #[serde(default)]
    pub remote_units: BTreeMap<String, RemoteUnit>,
    /// The remote application's data bag (unused for peers: they share `local-app-data`).
    #[serde(default)]
    pub remote_app_data: Bag,
    /// Our unit's data bag.
    #[serde(default)]
    pub local_unit_data: Bag,
    /// Our application's data bag (written by the leader).
    #[serde(default)]
    pub local_app_data: Bag,
    /// Set while the relation is being removed: `relation-list` is empty.
    #[serde(default)]
    pub broken: bool,
}

/// A remote unit in a relation.
///
/// ```
/// use charm_emulator::{Model, RemoteUnit};
/// let mut model = Model::new("web/0").unwrap();
/// let id = model.add_relation("db", "postgresql").unwrap();
/// let unit = RemoteUnit { data: [("host".to_owned(), "10.0.0.9".to_owned())].into(), departing: false };
/// model.relations.get_mut(&id).unwrap().remote_units.insert("postgresql/0".into(), unit);
/// assert_eq!(model.relations[&id].remote_units["postgresql/0"].data["host"], "10.0.0.9");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RemoteUnit {
    /// Its unit data bag.
    #[serde(default)]
    pub data: Bag,
    /// Set once it is leaving or has left: no longer listed, but its data can still be read
    /// for the relation's lifetime, as in Juju.
    #[serde(default)]
    pub departing: bool,
}

/// Juju's default unit data in a relation: the agent publishes the unit's addresses.
///
/// ```
/// let bag = charm_emulator::default_unit_relation_data("10.0.0.7");
/// assert_eq!(bag["private-address"], "10.0.0.7");
/// assert_eq!(bag["ingress-address"], "10.0.0.7");
/// ```
pub fn default_unit_relation_data(address: &str) -> Bag {
    Bag::from([
        ("egress-subnets".to_owned(), format!("{address}/32")),
        ("ingress-address".to_owned(), address.to_owned()),
        ("private-address".to_owned(), address.to_owned()),
    ])
}

/// A transport protocol of an opened port.
///
/// ```
/// let range: charm_emulator::PortRange = "53/udp".parse().unwrap();
/// assert_eq!(range.protocol, charm_emulator::Protocol::Udp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (no port numbers).
    Icmp,
}

/// A port or port range with its protocol, written `5000/tcp`, `1000-2000/udp` or `icmp`.
///
/// ```
/// use charm_emulator::PortRange;
/// let p: PortRange = "5000".parse().unwrap();
/// assert_eq!(p.to_string(), "5000/tcp");
/// assert_eq!("1000-2000/UDP".parse::<PortRange>().unwrap().to_string(), "1000-2000/udp");
/// assert!("70000/tcp".parse::<PortRange>().is_err());
/// ```
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// call(&mut emu, "open-port", &["8000-8010/udp"]);
/// emu.finish(&ctx.id, true).unwrap();
/// let range: &charm_emulator::PortRange = emu.model().opened_ports.iter().next().unwrap();
/// assert_eq!((range.from, range.to, range.protocol), (8000, 8010, charm_emulator::Protocol::Udp));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct PortRange {
    /// First port (0 for ICMP).
    pub from: u16,
    /// Last port, equal to `from` for a single port.
    pub to: u16,
    /// The protocol.
    pub protocol: Protocol,
}

/// The accepted spellings, in Juju's words.
const PORT_FORMAT: &str = "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp";

impl FromStr for PortRange {
    type Err = String;

    /// Parses as Juju's open-port does; messages follow Juju's.
    fn from_str(raw: &str) -> Result<Self, String> {
        let arg = raw.to_ascii_lowercase();
        if arg == "icmp" {
            return Ok(Self {
                from: 0,
                to: 0,
                protocol: Protocol::Icmp,
            });
        }
        let (ports, protocol) = arg.split_once('/').unwrap_or((&arg, "tcp"));
        let protocol = match protocol {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => {
                return Err(format!(
                    r#"protocol "icmp" doesn't support any ports; got {raw:?}"#
                ));
            }
            other => {
                return Err(format!(
                    r#"protocol must be "tcp", "udp", or "icmp"; got {other:?}"#
                ));
            }
        };
        let number = |s: &str| -> Result<i64, String> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("expected {PORT_FORMAT}; got {raw:?}"));
            }
            s.parse::<i64>()
                .map_err(|_| format!("expected port number; got {s:?}"))
        };
        let (from, to) = match ports.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => {
                let p = number(ports)?;
                (p, p)
            }
        };
        // core/network/portrange.go@238cc46a `Validate`: ports 0 to 65535.
        if from > to {
            return Err(format!(
                "invalid port range {from}-{to}/{}",
                protocol_name(protocol)
            ));
        }
        if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) {
            return Err(format!(
                "port range bounds must be between 0 and 65535, got {from}-{to}"
            ));
        }
        Ok(Self {
            // Both are in 0..=65535, checked above.
            from: u16::try_from(from).map_err(|e| e.to_string())?,
            to: u16::try_from(to).map_err(|e| e.to_string())?,
            protocol,
        })
    }
}

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.protocol {
            Protocol::Icmp => f.write_str("icmp"),
            p if self.from == self.to => write!(f, "{}/{}", self.from, protocol_name(p)),
            p => write!(f, "{}-{}/{}", self.from, self.to, protocol_name(p)),
        }
    }
}

impl From<PortRange> for String {
    fn from(p: PortRange) -> Self {
        p.to_string()
    }
}

impl TryFrom<String> for PortRange {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// A workload status with when it was set.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// assert!(call(&mut emu, "status-set", &["active", "Ready"]).success());
/// let status = &emu.model().unit_status;
/// assert_eq!((status.status.as_str(), status.message.as_str()), ("active", "Ready"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Status {
    /// `maintenance`, `blocked`, `waiting`, `active`, `error` or `unknown`.
    pub status: String,
    /// The message.
    #[serde(default)]
    pub message: String,
    /// `status-data` as `status-get --include-data` shows it.
    #[serde(default)]
    pub data: JsonMap,
    /// When it was set (RFC 3339, UTC).
    #[serde(default)]
    pub since: String,
}

impl Status {
    /// A status stamped now.
    pub fn new(status: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: status.into(),
            message: message.into(),
            data: JsonMap::new(),
            since: now_rfc3339(),
        }
    }
}

/// Where an action run is.
///
/// ```
/// use charm_emulator::ActionStatus;
/// assert_eq!(serde_json::to_string(&ActionStatus::Completed).unwrap(), r#""completed""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Its process is running.
    Running,
    /// It ended well.
    Completed,
    /// `action-fail` was called or the process failed.
    Failed,
}

/// One run of an action.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let params = serde_json::json!({"path": "/tmp/x"}).as_object().unwrap().clone();
/// let ctx = emu.open_context(Hook::action("dump", params)).unwrap();
/// let run = emu.model().action.as_ref().expect("an action is running");
/// assert_eq!(run.name, "dump");
/// assert_eq!(run.params["path"], "/tmp/x");
/// # let _ = ctx;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ActionRun {
    /// `JUJU_ACTION_UUID` (a number in Juju 3).
    pub id: String,
    /// The action name.
    pub name: String,
    /// Parameters as given, nested.
    #[serde(default)]
    pub params: JsonMap,
    /// Results from `action-set`, nested.
    #[serde(default)]
    pub results: JsonMap,
    /// Messages from `action-log`.
    #[serde(default)]
    pub logs: Vec<String>,
    /// Where it is.
    pub status: ActionStatus,
    /// The failure message, if failed.
    #[serde(default)]
    pub message: Option<String>,
    /// The hook context it runs in.
    pub context: String,
}

/// An action of actions.yaml: its parameters' JSON schema.
///
/// ```
/// use charm_emulator::{ActionSpec, validate_action_params};
/// let spec: ActionSpec = serde_json::from_value(serde_json::json!({
///     "params": {"path": {"type": "string"}},
///     "required": ["path"],
/// }))
/// .unwrap();
/// assert_eq!(spec.required, ["path"]);
/// assert!(spec.additional_properties, "JSON schema's default");
/// let missing = validate_action_params("dump", &spec, Default::default()).unwrap_err();
/// assert!(missing.contains("path"), "{missing}");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ActionSpec {
    /// `params`: a JSON-schema `properties` map, by parameter name.
    #[serde(default)]
    pub params: JsonMap,
    /// `required`: parameters that must be given.
    #[serde(default)]
    pub required: Vec<String>,
    /// `additionalProperties` (default true, as in JSON schema).
    #[serde(default = "yes")]
    pub additional_properties: bool,
}

fn yes() -> bool {
    true
}

/// Addresses `unit-get` answers.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut model = Model::new("web/0").unwrap();
/// model.addresses.public_address = "192.0.2.7".into();
/// let mut emu = Emulator::new(model);
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let out = emu.call(&ctx.id, "unit-get", &["public-address".into()], b"");
/// assert_eq!(out.stdout_text().trim(), "192.0.2.7");
/// assert_eq!(emu.model().addresses.private_address, charm_emulator::LOOPBACK);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Addresses {
    /// `unit-get private-address`.
    pub private_address: String,
    /// `unit-get public-address`.
    pub public_address: String,
}

impl Default for Addresses {
    fn default() -> Self {
        Self {
            private_address: LOOPBACK.to_owned(),
            public_address: LOOPBACK.to_owned(),
        }
    }
}

/// Answers of `network-get`: one for every binding unless overridden per binding.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model, NetworkInfo};
/// let mut model = Model::new("web/0").unwrap();
/// let mut public = NetworkInfo::default();
/// public.ingress_addresses = vec!["203.0.113.9".into()];
/// model.extra_bindings.insert("public".into());
/// model.network.bindings.insert("public".into(), public);
/// let mut emu = Emulator::new(model);
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let args = ["public".to_owned(), "--ingress-address".to_owned()];
/// let out = emu.call(&ctx.id, "network-get", &args, b"");
/// assert!(out.stdout_text().contains("203.0.113.9"), "{}", out.stdout_text());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Network {
    /// The answer for bindings without their own.
    #[serde(default)]
    pub default: NetworkInfo,
    /// Answers for particular bindings (endpoint or extra-binding names).
    #[serde(default)]
    pub bindings: BTreeMap<String, NetworkInfo>,
}

/// What `network-get BINDING` reports.
///
/// ```
/// use charm_emulator::NetworkInfo;
/// // The default answer keeps everything on this machine.
/// let info = NetworkInfo::default();
/// assert_eq!(info.ingress_addresses, [charm_emulator::LOOPBACK]);
/// assert_eq!(info.bind_addresses[0].interface_name, "lo");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NetworkInfo {
    /// Interfaces the unit should bind to.
    pub bind_addresses: Vec<BindAddress>,
    /// Subnets other units see our traffic coming from.
    pub egress_subnets: Vec<String>,
    /// Addresses other units should connect to.
    pub ingress_addresses: Vec<String>,
}

impl Default for NetworkInfo {
    fn default() -> Self {
        Self {
            bind_addresses: vec![BindAddress {
                interface_name: "lo".to_owned(),
                mac_address: String::new(),
                addresses: vec![InterfaceAddress {
                    value: LOOPBACK.to_owned(),
                    cidr: "127.0.0.0/8".to_owned(),
                    hostname: String::new(),
                }],
            }],
            egress_subnets: vec![format!("{LOOPBACK}/32")],
            ingress_addresses: vec![LOOPBACK.to_owned()],
        }
    }
}

/// An interface in a `network-get` answer.
///
/// ```
/// use charm_emulator::{BindAddress, InterfaceAddress};
/// let eth0 = BindAddress {
///     interface_name: "eth0".into(),
///     mac_address: "00:16:3e:00:00:01".into(),
///     addresses: vec![InterfaceAddress {
///         value: "10.0.0.5".into(),
///         cidr: "10.0.0.0/24".into(),
///         hostname: String::new(),
///     }],
/// };
/// let json = serde_json::to_value(&eth0).unwrap();
/// assert_eq!(json["interface-name"], "eth0", "Juju's kebab-case keys");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BindAddress {
    /// Interface name, e.g. `lo`.
    pub interface_name: String,
    /// MAC address (empty for loopback).
    #[serde(default)]
    pub mac_address: String,
    /// Its addresses.
    pub addresses: Vec<InterfaceAddress>,
}

/// An address of an interface.
///
/// ```
/// use charm_emulator::InterfaceAddress;
/// let a: InterfaceAddress =
///     serde_json::from_str(r#"{"value": "10.0.0.5", "cidr": "10.0.0.0/24"}"#).unwrap();
/// assert_eq!((a.value.as_str(), a.hostname.as_str()), ("10.0.0.5", ""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InterfaceAddress {
    /// The IP address.
    pub value: String,
    /// Its subnet.
    pub cidr: String,
    /// Its hostname, if any.
    #[serde(default)]
    pub hostname: String,
}

/// Where a log record came from.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// call(&mut emu, "juju-log", &["hello"]);
/// assert_eq!(emu.model().logs.last().unwrap().source, charm_emulator::LogSource::JujuLog);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogSource {
    /// A `juju-log` call.
    JujuLog,
    /// A hook's standard output (Juju logs it at DEBUG).
    Stdout,
    /// A hook's standard error (Juju logs it at WARNING).
    Stderr,
    /// The emulator itself (hook failures and the like).
    Agent,
}

/// One record of the debug log.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// call(&mut emu, "juju-log", &["-l", "WARNING", "disk almost full"]);
/// let log = emu.model().logs.last().unwrap();
/// assert_eq!((log.level.as_str(), log.message.as_str()), ("WARNING", "disk almost full"));
/// assert_eq!(log.source, charm_emulator::LogSource::JujuLog);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LogRecord {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The hook context, empty outside one.
    pub context: String,
    /// `TRACE`, `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`.
    pub level: String,
    /// The message.
    pub message: String,
    /// Where it came from.
    pub source: LogSource,
}

/// One hook-tool call, recorded whatever its outcome.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// let out = call(&mut emu, "config-get", &["no-such-key", "--format=json"]);
/// let last = emu.model().calls.last().unwrap();
/// assert_eq!((last.tool.as_str(), last.exit_code), ("config-get", out.code));
/// assert_eq!(last.args, ["no-such-key", "--format=json"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ToolCall {
    /// `JUJU_CONTEXT_ID` of the call.
    pub context: String,
    /// The tool, e.g. `relation-set`.
    pub tool: String,
    /// Its arguments, without the tool name.
    pub args: Vec<String>,
    /// Its exit code.
    pub exit_code: i32,
}

/// One hook or action run.
///
/// ```
/// use charm_emulator::{Emulator, Hook, Model};
/// let mut emu = Emulator::new(Model::new("web/0").unwrap());
/// let ctx = emu.open_context(Hook::new("install")).unwrap();
/// let call = |emu: &mut Emulator, tool: &str, args: &[&str]| {
///     emu.call(&ctx.id, tool, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), b"")
/// };
/// emu.finish(&ctx.id, true).unwrap();
/// let hook = emu.model().hooks.last().unwrap();
/// assert!(hook.committed && hook.exit_code == 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HookRecord {
    /// Its context id.
    pub context: String,
    /// `hooks/<name>` or `actions/<name>`.
    pub dispatch_path: String,
    /// The process's exit code.
    pub exit_code: i32,
    /// Whether its buffered writes were committed.
    pub committed: bool,
    /// When it ended (RFC 3339, UTC).
    pub time: String,
}

impl Model {
    /// A fresh model for `unit` (`app/0`) with loopback networking, no charm loaded yet.
    ///
    /// ```
    /// let model = charm_emulator::Model::new("voting-app/0").unwrap();
    /// assert_eq!(model.app_name(), "voting-app");
    /// assert!(charm_emulator::Model::new("no-number").is_err());
    /// ```
    pub fn new(unit: &str) -> Result<Self> {
        validate_unit_name(unit)?;
        Ok(Self {
            format: MODEL_FORMAT,
            unit: unit.to_owned(),
            model_name: "emulated".to_owned(),
            model_uuid: crate::ids::fresh_uuid(),
            machine_id: "0".to_owned(),
            availability_zone: String::new(),
            juju_version: "3.6.0".to_owned(),
            principal_unit: String::new(),
            proxies: Proxies::default(),
            charm_dir: None,
            endpoints: BTreeMap::new(),
            extra_bindings: BTreeSet::new(),
            config: BTreeMap::new(),
            config_values: BTreeMap::new(),
            leader: false,
            leader_settings: Bag::new(),
            relations: BTreeMap::new(),
            next_relation_id: 0,
            opened_ports: BTreeSet::new(),
            machine_ports: BTreeMap::new(),
            actions: BTreeMap::new(),
            unit_status: Status::new("unknown", ""),
            unit_status_history: Vec::new(),
            workload_status: None,
            application_status: Status::new("unknown", ""),
            application_status_history: Vec::new(),
            application_version: String::new(),
            charm_state: Bag::new(),
            action: None,
            action_history: Vec::new(),
            next_action_id: 1,
            addresses: Addresses::default(),
            network: Network::default(),
            logs: Vec::new(),
            calls: Vec::new(),
            hooks: Vec::new(),
            contexts: BTreeMap::new(),
            contract: Default::default(),
        })
    }

    /// The application name, `app` of `app/0`.
    pub fn app_name(&self) -> &str {
        self.unit.split('/').next().unwrap_or(&self.unit)
    }

    /// The value `config-get` reports for `key`: the operator's value, else the default, else
    /// null. `None` when the charm declares no such option.
    pub fn config_value(&self, key: &str) -> Option<Value> {
        let option = self.config.get(key)?;
        Some(
            self.config_values
                .get(key)
                .or(option.default.as_ref())
                .cloned()
                .unwrap_or(Value::Null),
        )
    }

    /// Every declared option with its current value (null when it has none).
    pub fn effective_config(&self) -> JsonMap {
        self.config
            .keys()
            .map(|k| (k.clone(), self.config_value(k).unwrap_or(Value::Null)))
            .collect()
    }

    /// Sets an option from an operator's string, typed by config.yaml.
    ///
    /// The error names the key and the expected type.
    pub fn set_config(&mut self, key: &str, raw: &str) -> Result<()> {
        let option = self.config.get(key).ok_or_else(|| {
            Error::invalid(format!(
                "unknown config option {key:?} (the charm declares: {})",
                self.config.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })?;
        let value = option
            .kind
            .parse(raw)
            .map_err(|e| Error::invalid(format!("config option {key:?}: {e}")))?;
        self.config_values.insert(key.to_owned(), value);
        Ok(())
    }

    /// Forgets the operator's value of `key`, so it reads as its default again.
    pub fn reset_config(&mut self, key: &str) -> Result<()> {
        if !self.config.contains_key(key) {
            return Err(Error::invalid(format!("unknown config option {key:?}")));
        }
        self.config_values.remove(key);
        Ok(())
    }

    /// `endpoint:N` for relation number `id`.
    pub fn relation_id_string(&self, id: u64) -> String {
        match self.relations.get(&id) {
            Some(r) => format!("{}:{id}", r.endpoint),
            None => id.to_string(),
        }
    }

    /// Finds a relation by `endpoint:N` or `N`.
    pub fn find_relation(&self, spec: &str) -> Result<u64> {
        let (endpoint, number) = match spec.rsplit_once(':') {
            Some((ep, n)) => (Some(ep), n),
            None => (None, spec),
        };
        let id: u64 = number.parse().map_err(|_| {
            Error::invalid(format!("invalid relation id {spec:?}: expected endpoint:N"))
        })?;
        match self.relations.get(&id) {
            Some(r) if endpoint.is_none_or(|ep| ep == r.endpoint) => Ok(id),
            _ => Err(Error::invalid(format!("relation {spec:?} not found"))),
        }
    }

    /// Creates a relation on `endpoint` with `remote_app` and returns its number.
    ///
    /// Our unit's data bag starts with the addresses Juju publishes for a unit. If the charm's
    /// endpoints are known (after [`ModelDir::init`](crate::ModelDir::init)), the endpoint
    /// must be one of them; a peer endpoint's remote application is our own.
    pub fn add_relation(&mut self, endpoint: &str, remote_app: &str) -> Result<u64> {
        if !self.endpoints.is_empty() {
            let ep = self.endpoints.get(endpoint).ok_or_else(|| {
                Error::invalid(format!(
                    "unknown endpoint {endpoint:?} (the charm declares: {})",
                    self.endpoints
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            if ep.role == Role::Peers && remote_app != self.app_name() {
                return Err(Error::invalid(format!(
                    "endpoint {endpoint:?} is a peer relation: its remote application is {:?}, not {remote_app:?}",
                    self.app_name()
                )));
            }
        }
        validate_app_name(remote_app)?;
        let id = self.next_relation_id;
        self.next_relation_id += 1;
        self.relations.insert(
            id,
            Relation {
                endpoint: endpoint.to_owned(),
                remote_app: remote_app.to_owned(),
                remote_units: BTreeMap::new(),
                remote_app_data: Bag::new(),
                local_unit_data: default_unit_relation_data(&self.addresses.private_address),
                local_app_data: Bag::new(),
                broken: false,
            },
        );
        Ok(id)
    }

    /// Whether `endpoint` is a peer endpoint.
    pub fn is_peer_endpoint(&self, endpoint: &str) -> bool {
        self.endpoints
            .get(endpoint)
            .is_some_and(|e| e.role == Role::Peers)
    }

    /// Sets the unit status now, recording it in the history.
    pub fn set_unit_status(&mut self, status: Status) {
        if status.status != "error" {
            self.workload_status = Some(status.clone());
        }
        self.unit_status_history.push(status.clone());
        self.unit_status = status;
    }

    /// Sets the application status now, recording it in the history.
    pub fn set_application_status(&mut self, status: Status) {
        self.application_status_history.push(status.clone());
        self.application_status = status;
    }

    /// Appends a debug-log record.
    pub fn log(
        &mut self,
        context: &str,
        level: &str,
        message: impl Into<String>,
        source: LogSource,
    ) {
        self.logs.push(LogRecord {
            time: now_rfc3339(),
            context: context.to_owned(),
            level: level.to_owned(),
            message: message.into(),
            source,
        });
    }
}

/// Checks `app/N`.
pub(crate) fn validate_unit_name(unit: &str) -> Result<()> {
    let valid = unit.split_once('/').is_some_and(|(app, n)| {
        validate_app_name(app).is_ok() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid unit name {unit:?}: expected <application>/<number>, e.g. voting-app/0"
        )))
    }
}

/// Checks an application name: lowercase letters, digits and hyphens, starting with a letter.
pub(crate) fn validate_app_name(app: &str) -> Result<()> {
    let valid = app.starts_with(|c: char| c.is_ascii_lowercase())
        && app
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !app.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid application name {app:?}: expected lowercase letters, digits and hyphens"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_like_juju() {
        let cases = [
            ("5000", "5000/tcp"),
            ("5000/tcp", "5000/tcp"),
            ("53/UDP", "53/udp"),
            ("1000-2000/udp", "1000-2000/udp"),
            ("ICMP", "icmp"),
            ("80-80", "80/tcp"),
        ];
        for (raw, shown) in cases {
            assert_eq!(
                raw.parse::<PortRange>().unwrap().to_string(),
                shown,
                "{raw}"
            );
        }
        // Juju accepts port 0 (portrange.go@238cc46a: bounds 0 to 65535).
        assert_eq!("0".parse::<PortRange>().unwrap().to_string(), "0/tcp");
        for bad in [
            "65536",
            "2000-1000",
            "80/sctp",
            "80/icmp",
            "x",
            "",
            "-5",
            "1-",
        ] {
            assert!(
                bad.parse::<PortRange>().is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn unit_names() {
        assert!(validate_unit_name("app/0").is_ok());
        assert!(validate_unit_name("my-app2/13").is_ok());
        for bad in ["app", "app/", "App/0", "app/x", "/0", "1app/0", "app-/0"] {
            assert!(validate_unit_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_values_fall_back_to_defaults() {
        let mut m = Model::new("a/0").unwrap();
        m.config.insert(
            "port".into(),
            ConfigOption {
                kind: ConfigType::Int,
                default: Some(Value::from(80)),
                description: String::new(),
            },
        );
        m.config.insert(
            "name".into(),
            ConfigOption {
                kind: ConfigType::String,
                default: None,
                description: String::new(),
            },
        );
        assert_eq!(m.config_value("port"), Some(Value::from(80)));
        assert_eq!(m.config_value("name"), Some(Value::Null));
        assert_eq!(m.config_value("nope"), None);
        m.set_config("port", "8080").unwrap();
        assert_eq!(m.config_value("port"), Some(Value::from(8080)));
        let err = m.set_config("port", "eighty").unwrap_err().to_string();
        assert!(
            err.contains("\"port\"") && err.contains("expected int"),
            "{err}"
        );
    }
}

//! The `charm-emulator` command line for people and scripts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use charm_emulator::{
    Bag, DataOwner, Error, Hook, HookOutcome, InitOptions, JsonMap, MODEL_ENV, Model, ModelDir,
    RemoteUnitSpec, Result, Runner,
};

/// Emulates the Juju unit agent for one unit of a charm: a model directory holds the unit's
/// world, hooks run as Juju runs them, and the charm's hook-tool calls are answered and
/// recorded.
#[derive(Debug, Parser)]
#[command(name = "charm-emulator", version)]
pub(crate) struct Cli {
    /// The model directory (default: $CHARM_EMULATOR_MODEL).
    #[arg(long, global = true, value_name = "DIR")]
    model: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Readable text.
    Text,
    /// JSON, for scripts.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a model directory for a charm: reads CHARM/metadata.yaml and config.yaml and
    /// installs the hook-tool symlinks into DIR/bin.
    Init {
        /// The charm directory.
        #[arg(long, value_name = "CHARM_DIR")]
        charm: PathBuf,
        /// The unit name, app/0.
        #[arg(long)]
        unit: String,
        /// Start as the application leader.
        #[arg(long)]
        leader: bool,
    },
    /// Run what Juju runs for a new unit: install, leader-elected (or
    /// leader-settings-changed), config-changed, start.
    Deploy {
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Set config options (typed by config.yaml), then run config-changed.
    Config {
        /// KEY=VALUE pairs.
        #[arg(value_name = "KEY=VALUE")]
        values: Vec<String>,
        /// Options to reset to their defaults.
        #[arg(long, value_name = "KEY")]
        reset: Vec<String>,
        /// Only change the model; run no hook.
        #[arg(long)]
        no_hooks: bool,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Run one hook.
    #[command(visible_alias = "hook")]
    RunHook {
        /// The hook name, e.g. install or db-relation-changed.
        hook: String,
        /// The relation (endpoint:N or N) for a relation hook.
        #[arg(long, value_name = "ID")]
        relation: Option<String>,
        /// JUJU_REMOTE_UNIT for a relation hook.
        #[arg(long, value_name = "UNIT")]
        remote_unit: Option<String>,
        /// JUJU_DEPARTING_UNIT for -relation-departed (default: the remote unit).
        #[arg(long, value_name = "UNIT")]
        departing_unit: Option<String>,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Run an action with parameters (values are YAML scalars; dotted keys nest).
    #[command(visible_alias = "action")]
    RunAction {
        /// The action name.
        name: String,
        /// KEY=VALUE parameters.
        #[arg(value_name = "KEY=VALUE")]
        params: Vec<String>,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Add a relation and run -relation-created, then -joined and -changed per remote unit.
    Relate {
        /// Our endpoint.
        endpoint: String,
        /// The remote application.
        remote_app: String,
        /// Remote units to add (app/N); repeat for several.
        #[arg(long = "unit", value_name = "NAME")]
        units: Vec<String>,
        /// KEY=VALUE data of the remote units (each gets all of it).
        #[arg(long = "data", value_name = "KEY=VALUE")]
        data: Vec<String>,
        /// KEY=VALUE data of the remote application.
        #[arg(long = "app-data", value_name = "KEY=VALUE")]
        app_data: Vec<String>,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Add one more remote unit to a relation (the remote application scaled out), then run
    /// -relation-joined and -relation-changed for it.
    AddUnit {
        /// The relation, endpoint:N or N.
        relation: String,
        /// The new remote unit (app/N of the relation's remote application).
        unit: String,
        /// KEY=VALUE data of the new unit.
        #[arg(long = "data", value_name = "KEY=VALUE")]
        data: Vec<String>,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Remove a relation: -relation-departed per remote unit, then -relation-broken.
    Unrelate {
        /// The relation, endpoint:N or N.
        relation: String,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Change a remote unit's (--unit) or the remote application's (--app) data, then run
    /// -relation-changed. An empty value deletes a key.
    SetRelationData {
        /// The relation, endpoint:N or N.
        relation: String,
        /// The remote unit whose data changes.
        #[arg(
            long,
            value_name = "NAME",
            conflicts_with = "app",
            required_unless_present = "app"
        )]
        unit: Option<String>,
        /// Change the remote application's data.
        #[arg(long)]
        app: bool,
        /// KEY=VALUE pairs.
        #[arg(value_name = "KEY=VALUE", required = true)]
        data: Vec<String>,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Make the unit leader (runs leader-elected) or not (runs leader-settings-changed).
    Leader {
        /// true or false.
        #[arg(action = clap::ArgAction::Set)]
        leader: bool,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Show unit and application status, opened ports, relations and the last hooks.
    Status {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also show the charm's flag graph (mermaid) with the handlers the last hook ran
        /// highlighted, and why each ran.
        #[arg(long)]
        graph: bool,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Show the record of hook-tool calls.
    Calls {
        /// Only calls of this hook context.
        #[arg(long, value_name = "ID")]
        context: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show the debug log (juju-log records and hook output).
    Logs {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Give a resource of metadata.yaml its file (`juju attach-resource`): `resource-get`
    /// answers a copy of it.
    SetResource {
        /// The resource name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// Trust the application (`juju trust`), so `credential-get` answers; `--off` revokes.
    Trust {
        /// Remove the trust.
        #[arg(long)]
        off: bool,
    },
    /// Attach a new instance of a storage of metadata.yaml and run its -storage-attached.
    AttachStorage {
        /// The storage name.
        name: String,
        /// Where it is (default: a new directory in the model's agent/storage).
        #[arg(long, value_name = "PATH")]
        location: Option<PathBuf>,
        #[command(flatten)]
        charm: CharmBinary,
    },
    /// Run -storage-detaching for a storage instance (data/0), which then goes.
    DetachStorage {
        /// The instance id.
        id: String,
        #[command(flatten)]
        charm: CharmBinary,
    },
}

/// `--charm-binary`, for commands that run hooks.
#[derive(Debug, clap::Args)]
struct CharmBinary {
    /// Run this program for every hook instead of the charm's dispatch.
    #[arg(long, value_name = "PATH")]
    charm_binary: Option<PathBuf>,
}

/// Runs the command line; errors are printed by the caller.
pub(crate) fn main(cli: Cli) -> Result<ExitCode> {
    let model_path = cli
        .model
        .clone()
        .or_else(|| std::env::var_os(MODEL_ENV).map(PathBuf::from))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "no model directory: pass --model DIR or set {MODEL_ENV}"
            ))
        })?;
    if let Command::Init {
        charm,
        unit,
        leader,
    } = &cli.command
    {
        let exe = std::env::current_exe().map_err(|e| Error::Io {
            action: "cannot find own executable",
            path: PathBuf::from("charm-emulator"),
            source: e,
        })?;
        let dir = ModelDir::init(&InitOptions {
            model_dir: model_path,
            charm_dir: charm.clone(),
            unit: unit.clone(),
            leader: *leader,
            tool_executable: exe,
        })?;
        let model = dir.load()?;
        println!(
            "Created model {} for unit {}{} of charm {}.",
            dir.root().display(),
            model.unit,
            if model.leader { " (leader)" } else { "" },
            model
                .charm_dir
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        println!(
            "Hook tools: {}/ ({} tools). Next: charm-emulator --model {} deploy",
            dir.bin_dir().display(),
            charm_emulator::tool_names().count(),
            dir.root().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let dir = ModelDir::open(&model_path)?;
    let runner = |charm: &CharmBinary| {
        let runner = Runner::new(dir.clone());
        match &charm.charm_binary {
            Some(bin) => runner.with_charm_binary(bin),
            None => runner,
        }
    };
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::Deploy { charm } => report(&runner(&charm).deploy()?),
        Command::Config {
            values,
            reset,
            no_hooks,
            charm,
        } => {
            let values = key_values(&values)?;
            if no_hooks {
                dir.transact(|emu| {
                    for (k, v) in &values {
                        emu.model_mut().set_config(k, v)?;
                    }
                    for k in &reset {
                        emu.model_mut().reset_config(k)?;
                    }
                    Ok(())
                })?;
                return Ok(ExitCode::SUCCESS);
            }
            report(&[runner(&charm).configure(&values, &reset)?])
        }
        Command::RunHook {
            hook,
            relation,
            remote_unit,
            departing_unit,
            charm,
        } => {
            let mut h = Hook::new(hook);
            if let Some(rel) = relation {
                h = h.with_relation(dir.load()?.find_relation(&rel)?);
            }
            if let Some(u) = remote_unit {
                h = h.with_remote_unit(u);
            }
            if let Some(u) = departing_unit {
                h = h.with_departing_unit(u);
            }
            report(&[runner(&charm).run(h)?])
        }
        Command::RunAction {
            name,
            params,
            charm,
        } => {
            let params = action_params(&params)?;
            report(&[runner(&charm).run(Hook::action(name, params))?])
        }
        Command::Relate {
            endpoint,
            remote_app,
            units,
            data,
            app_data,
            charm,
        } => {
            let data: Bag = key_values(&data)?.into_iter().collect();
            let units: Vec<RemoteUnitSpec> = units
                .into_iter()
                .map(|name| RemoteUnitSpec {
                    name,
                    data: data.clone(),
                })
                .collect();
            let app_data: Bag = key_values(&app_data)?.into_iter().collect();
            let (id, outcomes) =
                runner(&charm).relate(&endpoint, &remote_app, &units, &app_data)?;
            println!("Relation {endpoint}:{id} with {remote_app}.");
            report(&outcomes)
        }
        Command::AddUnit {
            relation,
            unit,
            data,
            charm,
        } => {
            let id = dir.load()?.find_relation(&relation)?;
            let spec = RemoteUnitSpec {
                name: unit,
                data: key_values(&data)?.into_iter().collect(),
            };
            report(&runner(&charm).add_unit(id, &spec)?)
        }
        Command::Unrelate { relation, charm } => {
            let id = dir.load()?.find_relation(&relation)?;
            report(&runner(&charm).unrelate(id)?)
        }
        Command::SetRelationData {
            relation,
            unit,
            app,
            data,
            charm,
        } => {
            let id = dir.load()?.find_relation(&relation)?;
            let owner = match (unit, app) {
                (Some(u), false) => DataOwner::Unit(u),
                _ => DataOwner::App,
            };
            report(&[runner(&charm).set_relation_data(id, &owner, &key_values(&data)?)?])
        }
        Command::Leader { leader, charm } => match runner(&charm).set_leader(leader)? {
            Some(outcome) => report(&[outcome]),
            None => {
                println!("Leadership unchanged (leader: {leader}); no hook run.");
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Status {
            format,
            graph,
            charm,
        } => {
            let model = dir.load()?;
            let view = match graph {
                true => Some(crate::graph_view::text(
                    &model,
                    charm.charm_binary.as_deref(),
                )?),
                false => None,
            };
            match format {
                Format::Json => {
                    let mut status = status_json(&model);
                    if let Some(view) = view {
                        status["graph"] = Value::String(view);
                    }
                    println!("{status}");
                }
                Format::Text => {
                    print!("{}", status_text(&model));
                    if let Some(view) = view {
                        print!("{view}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Calls { context, format } => {
            let model = dir.load()?;
            let calls: Vec<_> = model
                .calls
                .iter()
                .filter(|c| context.as_ref().is_none_or(|ctx| &c.context == ctx))
                .collect();
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&calls).unwrap_or_default()
                ),
                Format::Text => {
                    for c in calls {
                        println!(
                            "{}  {} {}  -> exit {}",
                            c.context,
                            c.tool,
                            shell_words(&c.args),
                            c.exit_code
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::SetResource { name, path } => {
            let path = std::path::absolute(&path)
                .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
            if !path.is_file() {
                return Err(Error::Invalid(format!(
                    "resource {name:?}: {} is not a file",
                    path.display()
                )));
            }
            dir.transact(|emu| {
                let contract = &mut emu.model_mut().contract;
                if !contract.resource_defs.contains_key(&name) {
                    return Err(Error::Invalid(format!(
                        "unknown resource {name:?} (metadata.yaml declares: {})",
                        contract
                            .resource_defs
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                contract.resources.insert(name.clone(), path.clone());
                Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Trust { off } => {
            dir.transact(|emu| {
                emu.model_mut().contract.trusted = !off;
                Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::AttachStorage {
            name,
            location,
            charm,
        } => report(&[runner(&charm).attach_storage(&name, location)?]),
        Command::DetachStorage { id, charm } => report(&[runner(&charm).detach_storage(&id)?]),
        Command::Logs { format } => {
            let model = dir.load()?;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&model.logs).unwrap_or_default()
                ),
                Format::Text => {
                    for l in &model.logs {
                        println!("{} {:<8} {}  {}", l.time, l.level, l.context, l.message);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints what each hook did; exit 1 if one failed.
fn report(outcomes: &[HookOutcome]) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let mut failed = false;
    for o in outcomes {
        let what = o.hook.dispatch_path();
        let verdict = match (o.ran, o.exit_code, o.committed) {
            (false, _, _) if o.hook.is_action() => "not implemented".to_owned(),
            (false, _, _) => "no hook file: nothing to run".to_owned(),
            (true, 0, _) => "exit 0, committed".to_owned(),
            (true, code, _) => format!("exit {code}, changes dropped, unit in error"),
        };
        let _ = writeln!(stdout, "{what}: {verdict} ({} tool calls)", o.calls.len());
        for line in o.stdout_text().lines() {
            let _ = writeln!(stdout, "  stdout| {line}");
        }
        for line in o.stderr_text().lines() {
            let _ = writeln!(stdout, "  stderr| {line}");
        }
        if let Some(action) = &o.action {
            let _ = writeln!(
                stdout,
                "  action {} ({}): {:?}{}",
                action.name,
                action.id,
                action.status,
                action
                    .message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            );
            if !action.results.is_empty() {
                let _ = writeln!(
                    stdout,
                    "  results: {}",
                    Value::Object(action.results.clone())
                );
            }
            failed |= action.status == charm_emulator::ActionStatus::Failed;
        }
        failed |= !o.success();
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn status_json(model: &Model) -> Value {
    let relations: Vec<Value> = model
        .relations
        .iter()
        .map(|(id, r)| {
            json!({
                "id": format!("{}:{id}", r.endpoint),
                "endpoint": r.endpoint,
                "remote-app": r.remote_app,
                "remote-units": r.remote_units.keys().collect::<Vec<_>>(),
                "local-unit-data": r.local_unit_data,
                "local-app-data": r.local_app_data,
            })
        })
        .collect();
    json!({
        "unit": model.unit,
        "leader": model.leader,
        "unit-status": model.unit_status,
        "application-status": model.application_status,
        "application-version": model.application_version,
        "opened-ports": model.opened_ports.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "relations": relations,
        "last-hooks": model.hooks.iter().rev().take(5).collect::<Vec<_>>(),
    })
}

fn status_text(model: &Model) -> String {
    let mut s = String::new();
    let leader = if model.leader { " (leader)" } else { "" };
    s += &format!(
        "Unit        {}{leader}: {} {:?}\n",
        model.unit, model.unit_status.status, model.unit_status.message
    );
    s += &format!(
        "Application {}: {} {:?}{}\n",
        model.app_name(),
        model.application_status.status,
        model.application_status.message,
        if model.application_version.is_empty() {
            String::new()
        } else {
            format!(", version {}", model.application_version)
        }
    );
    let ports: Vec<String> = model.opened_ports.iter().map(ToString::to_string).collect();
    s += &format!(
        "Ports       {}\n",
        if ports.is_empty() {
            "none opened".to_owned()
        } else {
            ports.join(", ")
        }
    );
    if model.relations.is_empty() {
        s += "Relations   none\n";
    }
    for (id, r) in &model.relations {
        let units: Vec<&String> = r.remote_units.keys().collect();
        s += &format!(
            "Relation    {}:{id} with {} (units: {})\n",
            r.endpoint,
            r.remote_app,
            if units.is_empty() {
                "none".to_owned()
            } else {
                units
                    .iter()
                    .map(|u| u.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    }
    for h in model
        .hooks
        .iter()
        .rev()
        .take(5)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        s += &format!(
            "Hook        {} exit {}{}\n",
            h.dispatch_path,
            h.exit_code,
            if h.committed { "" } else { " (dropped)" }
        );
    }
    s
}

fn key_values(pairs: &[String]) -> Result<Vec<(String, String)>> {
    pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| Error::Invalid(format!("expected KEY=VALUE, got {p:?}")))
        })
        .collect()
}

/// Action parameters: values are YAML scalars (as `juju run` reads them), dotted keys nest.
fn action_params(pairs: &[String]) -> Result<JsonMap> {
    let mut params = JsonMap::new();
    for (key, raw) in key_values(pairs)? {
        let yaml: charm_yaml::Value = charm_yaml::from_str(&raw)
            .map_err(|e| Error::Invalid(format!("action parameter {key:?}: {e}")))?;
        let value = serde_json::to_value(yaml)
            .map_err(|e| Error::Invalid(format!("action parameter {key:?}: {e}")))?;
        let mut parts: Vec<&str> = key.split('.').collect();
        let last = parts.pop().unwrap_or_default();
        let mut current = &mut params;
        for part in parts {
            let entry = current
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(JsonMap::new()));
            if !entry.is_object() {
                *entry = Value::Object(JsonMap::new());
            }
            let Value::Object(next) = entry else {
                unreachable!("just made an object")
            };
            current = next;
        }
        current.insert(last.to_owned(), value);
    }
    Ok(params)
}

fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=./:,@".contains(&b))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

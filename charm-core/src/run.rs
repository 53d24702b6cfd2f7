//! The entry point of a charm binary and the in-process hook runner.

use std::process::ExitCode;

use crate::error::Result;
use crate::hook::HookEnv;
use crate::juju::{HookTools, Juju, LogLevel, ProcessTools};
use crate::registry::{Charm, Registry};
use crate::store::Store;
use crate::trace::Trace;
use crate::unit::Unit;

/// What one hook did.
#[derive(Debug)]
pub struct HookReport {
    /// `Ok` when every handler succeeded and the state was committed.
    pub result: Result<()>,
    /// Which handlers ran, and why.
    pub trace: Trace,
    /// Hook-tool calls made.
    pub tool_calls: u32,
}

/// Options of [`run_hook`].
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Print every dispatch step to stderr (`CHARM_TRACE=1`).
    pub live_trace: bool,
    /// Drop log lines below this level (`CHARM_LOG_LEVEL`, default INFO: the one-line
    /// dispatch summary of each hook is DEBUG and reaches the Juju log only with
    /// `CHARM_LOG_LEVEL=DEBUG`, so a steady-state hook makes no `juju-log` call).
    pub log_level: LogLevel,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            live_trace: false,
            log_level: LogLevel::Info,
        }
    }
}

impl RunOptions {
    /// Reads `CHARM_TRACE` and `CHARM_LOG_LEVEL` (`DEBUG`, `INFO`, `WARNING`, `ERROR`) from
    /// the process environment only; [`Self::from_settings`] also reads `.charm-settings`.
    pub fn from_process() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads `CHARM_TRACE` and `CHARM_LOG_LEVEL` from the hook's settings (the charm
    /// directory's `.charm-settings`, overridden by the environment).
    pub fn from_settings(settings: &crate::Settings) -> Self {
        Self::from_lookup(|k| settings.get(k).map(str::to_owned))
    }

    fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let live_trace = var("CHARM_TRACE").is_some_and(|v| v == "1");
        let log_level = var("CHARM_LOG_LEVEL")
            .and_then(|v| LogLevel::parse(&v))
            .unwrap_or(LogLevel::Info);
        Self {
            live_trace,
            log_level,
        }
    }
}

/// Runs the hook this process was started for: reads the hook from `JUJU_DISPATCH_PATH`
/// (or `argv[0]` for `hooks/<name>` symlinks), dispatches, commits on success, and returns the
/// exit code Juju expects (0 commits the hook, anything else marks the unit in error).
///
/// ```no_run
/// # static CHARM: charm_core::Charm = charm_core::Charm {
/// #     name: "x", endpoints: &[], config: &[], leader: &[],
/// #     layer: charm_core::Layer { name: "x", flags: &[], handlers: &[], triggers: &[], layers: &[] } };
/// fn main() -> std::process::ExitCode {
///     charm_core::run(&CHARM)
/// }
/// ```
///
/// Run as `<charm> --graph[=mermaid|dot] [--ran=a,b]` (never how Juju runs it), it prints the
/// charm's flag graph instead ([`crate::graph`]).
pub fn run(charm: &'static Charm) -> ExitCode {
    let rest: Vec<String> = std::env::args().skip(1).collect();
    match crate::graph::from_args(&rest) {
        Some(Ok((format, ran))) => {
            let ran: Vec<&str> = ran.iter().map(String::as_str).collect();
            print!("{}", crate::graph::render(charm, format, &ran));
            return ExitCode::SUCCESS;
        }
        Some(Err(msg)) => {
            eprintln!("{}: {msg}", charm.name);
            return ExitCode::from(2);
        }
        None => {}
    }
    let args0 = std::env::args().next();
    let env = match HookEnv::from_process(args0.as_deref()) {
        Ok(env) => env,
        Err(err) => {
            eprintln!("{}: {err}", charm.name);
            return ExitCode::from(2);
        }
    };
    let options = RunOptions::from_settings(&env.settings);
    let report = run_hook(charm, env, Box::new(ProcessTools::default()), options);
    match report.result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}: hook failed: {err}", charm.name);
            ExitCode::FAILURE
        }
    }
}

/// Runs one hook with the given environment and hook-tool backend. Nothing is committed
/// unless every handler and every buffered write succeeded.
pub fn run_hook(
    charm: &'static Charm,
    env: HookEnv,
    tools: Box<dyn HookTools>,
    options: RunOptions,
) -> HookReport {
    let registry = Registry::build(charm);
    let mut trace = Trace::new(options.live_trace);
    let mut store = Store::in_dir(&env.charm_dir);
    let mut juju = Juju::new(tools);
    // Held until the hook's end: one hook at a time per unit (see `hook_lock`).
    let lock = crate::hook_lock::wait_from(&env.settings)
        .and_then(|wait| crate::hook_lock::HookLock::acquire(&env.charm_dir, wait));
    let _lock = match lock {
        Ok(lock) => lock,
        Err(err) => return failed_early(&mut juju, err, trace),
    };
    let swept = crate::hook_lock::sweep_temp_files(&env.charm_dir);
    let snapshot = match store.load() {
        Ok(s) => s,
        Err(err) => return failed_early(&mut juju, err, trace),
    };
    let mut unit = match Unit::start(&registry, env, juju, snapshot, options.log_level) {
        Ok(unit) => unit,
        Err(err) => {
            return HookReport {
                result: Err(err),
                trace,
                tool_calls: 0,
            };
        }
    };
    if !swept.is_empty() {
        // Names only: the files may have held secrets.
        let names: Vec<String> = swept.iter().map(|p| p.display().to_string()).collect();
        unit.log().info(format!(
            "removed temp files a killed hook left: {}",
            names.join(", ")
        ));
    }
    let mut result = crate::bus::dispatch(&registry, &mut unit, &mut trace);
    if result.is_ok() {
        result = unit
            .flush()
            .and_then(|snapshot| store.commit(&snapshot).map(drop));
    }
    unit.log().at(LogLevel::Debug, trace.summary());
    if let Err(err) = &result {
        unit.log()
            .at(LogLevel::Error, format!("hook failed: {err}"));
    }
    unit.flush_logs();
    HookReport {
        result,
        trace,
        tool_calls: unit.tool_calls(),
    }
}

fn failed_early(juju: &mut Juju, err: crate::Error, trace: Trace) -> HookReport {
    let _ = juju.juju_log(LogLevel::Error, &format!("hook failed: {err}"));
    HookReport {
        result: Err(err),
        trace,
        tool_calls: juju.calls(),
    }
}

//! `charm-emulator`: the Juju unit agent's test double.
//!
//! Invoked through a symlink named after a hook tool (`config-get`, `relation-set`, ...), it
//! acts as that tool against the model in `$CHARM_EMULATOR_MODEL`, in the hook context
//! `$JUJU_CONTEXT_ID`. Invoked by its own name, it is the command line of [`cli`].

mod cli;
mod graph_view;

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use charm_emulator::{ContextId, MODEL_ENV, ModelDir, reads_stdin, tool_names};

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let invoked_as = Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(tool) = tool_names().find(|t| *t == invoked_as) {
        let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
        return run_tool(tool, &args);
    }
    match cli::main(cli::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("charm-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Acts as hook tool `tool`; errors outside the tool's own (no model, no context) are reported
/// like Juju's, `ERROR ...` with exit code 1, so the charm sees them.
fn run_tool(tool: &str, args: &[String]) -> ExitCode {
    let Some(model) = std::env::var_os(MODEL_ENV) else {
        eprintln!(
            "ERROR {tool}: {MODEL_ENV} is not set: hook tools work only inside a hook run by charm-emulator"
        );
        return ExitCode::FAILURE;
    };
    let context = ContextId::new(std::env::var("JUJU_CONTEXT_ID").unwrap_or_default());
    let mut stdin = Vec::new();
    if reads_stdin(args)
        && let Err(e) = std::io::stdin().read_to_end(&mut stdin)
    {
        eprintln!("ERROR cannot read standard input: {e}");
        return ExitCode::FAILURE;
    }
    let result = ModelDir::open(&model).and_then(|dir| {
        dir.transact_call(&context, tool, args, |emu| {
            Ok(emu.call(&context, tool, args, &stdin))
        })
    });
    match result {
        Ok(out) => {
            let _ = std::io::stdout().write_all(&out.stdout);
            let _ = std::io::stderr().write_all(&out.stderr);
            ExitCode::from(u8::try_from(out.code).unwrap_or(1))
        }
        Err(e) => {
            eprintln!("ERROR {tool}: {e}");
            ExitCode::FAILURE
        }
    }
}

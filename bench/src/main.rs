//! `charm-bench`: the project's benchmarks, side by side in one run.
//!
//! Every hook measurement runs the Rust voting-app and the seed's handlers written in
//! charms.reactive 1.5.3 and in ops 3.9 (`bench/anchors/`), each as a unit of its own in a
//! model directory of charm-emulator, through the same hook-tool executables; runs alternate
//! the sides so drift on a shared machine hits them alike. The report is a markdown table
//! per measurement (median, min, max, peak RSS, tool calls, ratio) with the machine.
//! `scripts/bench.sh` makes the venvs, builds and runs this; `--smoke` is the quick CI mode.
//!
//! Invoked with `CHARM_BENCH_EXEC` set, it is instead the peak-RSS wrapper of one hook: it
//! runs that program and writes the largest resident set of its process tree (the hook and
//! the tools it ran), in KiB, to `CHARM_BENCH_RSS_FILE`.

mod measures;
mod sides;
mod stats;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Benchmarks side by side: the Rust charm, charms.reactive, ops and docker-compose 1.29.
#[derive(Debug, Clone, Parser)]
#[command(name = "charm-bench")]
pub struct Args {
    /// The quick mode: one run of each hook, few sizes, no build timing (seconds).
    #[arg(long)]
    pub smoke: bool,
    /// Runs per side of each timed measurement.
    #[arg(long, default_value_t = 15)]
    pub runs: usize,
    /// Measurements to run, comma-separated: p1, p2, p3, p5, p6, emulator.
    #[arg(long, value_delimiter = ',', default_value = "p1,p2,p3,p5,p6,emulator")]
    pub only: Vec<String>,
    /// Related units for P5, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,10,100,1000,10000")]
    pub units: Vec<usize>,
    /// Hooks already in the model's history for the emulator measurement.
    #[arg(long, value_delimiter = ',', default_value = "0,1000,10000")]
    pub history: Vec<usize>,
    /// Prefix of every application and compose project the bench creates (the Docker
    /// engine may be shared: make it unique).
    #[arg(long)]
    pub prefix: Option<String>,
    /// First host port to publish on 127.0.0.1 (each side takes the next free pair);
    /// default: ports the system reports free.
    #[arg(long)]
    pub port_base: Option<u16>,
    /// The repository (voting-app/ and bench/anchors/).
    #[arg(long)]
    pub source: PathBuf,
    /// The voting-app binary.
    #[arg(long)]
    pub charm: PathBuf,
    /// The charm-emulator binary.
    #[arg(long)]
    pub emulator: PathBuf,
    /// Python of the charms.reactive venv.
    #[arg(long)]
    pub reactive_python: Option<PathBuf>,
    /// Python of the ops venv.
    #[arg(long)]
    pub ops_python: Option<PathBuf>,
    /// docker-compose 1.29 executable, for P3.
    #[arg(long)]
    pub compose: Option<PathBuf>,
    /// Scratch directory (model directories, charm directories).
    #[arg(long, default_value = "target/bench")]
    pub work: PathBuf,
    /// Also write the report here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The command line to print under the report.
    #[arg(long, default_value = "scripts/bench.sh")]
    pub command: String,
}

fn main() -> ExitCode {
    if let Ok(program) = std::env::var(sides::WRAP_EXEC) {
        return wrap(&program);
    }
    let args = Args::parse();
    match measures::run_all(&args) {
        Ok(report) => {
            print!("{report}");
            if let Some(out) = &args.out {
                if let Some(parent) = out.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                if let Err(e) = std::fs::write(out, &report) {
                    eprintln!("charm-bench: cannot write {}: {e}", out.display());
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("charm-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The peak-RSS wrapper: runs `program` with this process's arguments and environment
/// (less the wrapper's own variables), then records the largest resident set among the
/// children it waited for (the hook, and through it every tool process it waited for).
fn wrap(program: &str) -> ExitCode {
    let out = std::env::var(sides::WRAP_RSS_FILE).ok();
    let status = std::process::Command::new(program)
        .args(std::env::args_os().skip(1))
        .env_remove(sides::WRAP_EXEC)
        .env_remove(sides::WRAP_RSS_FILE)
        .status();
    let code = match status {
        Ok(s) => s.code().unwrap_or(1),
        Err(e) => {
            eprintln!("charm-bench: cannot start {program}: {e}");
            return ExitCode::from(126);
        }
    };
    if let Some(out) = out
        && let Ok(usage) =
            nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
    {
        // Linux reports ru_maxrss in KiB.
        let _ = std::fs::write(out, usage.max_rss().to_string());
    }
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

//! The conformance report: one line per scenario, then `N passed, M failed`; fails when
//! M > 0. Needs the venv of scripts/venv-reactive.sh and the charm-emulator binary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use conformance::driver::{self, HookResult, Python};
use conformance::scenario::{self, Scenario};

fn outcome(s: &Scenario, py: &Python, source: &Path) -> (bool, String) {
    let python = match driver::run_python(s, py) {
        Ok(r) => r,
        Err(e) => return (false, format!("python side did not run: {e}")),
    };
    let rust = match driver::run_rust(s, &conformance::charm::CHARM, source) {
        Ok(r) => r,
        Err(e) => return (false, format!("rust side did not run: {e}")),
    };
    let detail = |runs: &[HookResult]| {
        runs.iter()
            .map(|r| format!("\n      {}", r.show()))
            .collect::<String>()
    };
    if std::env::var_os("CONFORMANCE_VERBOSE").is_some() {
        eprintln!(
            "{}\n  python:{}\n  rust:{}",
            s.id,
            detail(&python),
            detail(&rust)
        );
    }
    match (
        conformance::deliberate::find(&s.ns),
        driver::compare(&python, &rust),
    ) {
        (None, None) => (true, String::new()),
        (None, Some(diff)) => (false, diff),
        (Some(d), _) => match (d.check)(&python, &rust) {
            Ok(()) => (true, format!("(deliberate difference: {})", d.short)),
            Err(e) => (
                false,
                format!(
                    "deliberate difference not as documented: {e}\n    python:{}\n    rust:{}",
                    detail(&python),
                    detail(&rust)
                ),
            ),
        },
    }
}

fn main() -> ExitCode {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = source.parent().unwrap_or(&source).to_owned();
    let venv = std::env::var_os("REACTIVE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/venvs/reactive"));
    let interpreter = venv.join("bin/python");
    if !interpreter.exists() {
        eprintln!(
            "conformance: no charms.reactive venv at {}: run scripts/venv-reactive.sh first",
            venv.display()
        );
        return ExitCode::FAILURE;
    }
    let interpreter = std::path::absolute(&interpreter).unwrap_or(interpreter);
    let py = Python {
        interpreter,
        emulator: charm_testing::emulator_binary(),
        source_dir: source.clone(),
    };
    let scenarios = match scenario::load_dir(&source.join("scenarios")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("conformance: {e}");
            return ExitCode::FAILURE;
        }
    };
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let scenarios: Vec<Scenario> = scenarios
        .into_iter()
        .filter(|s| filter.as_ref().is_none_or(|f| s.id.contains(f.as_str())))
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![None; scenarios.len()]);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(s) = scenarios.get(i) else { break };
                    let r = outcome(s, &py, &source);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let (mut passed, mut failed) = (0, 0);
    println!("conformance with charms.reactive 1.5.3:");
    for (s, r) in scenarios.iter().zip(results) {
        let (ok, text) = r.unwrap_or((false, "did not run".to_owned()));
        if ok {
            passed += 1;
            println!("ok   {} {}", s.id, text);
        } else {
            failed += 1;
            println!("FAIL {}: {text}", s.id);
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

//! Shared by the tests that run charm-core's typed tools as the emulator's real processes.

use charm_core::juju::{Juju, ProcessTools};
use charm_emulator::ModelDir;

/// Typed hook tools for hook context `ctx`, each call a process of the model's tools: the
/// production backend, with the hook's environment and the model's tools first on PATH.
pub fn juju_in(dir: &ModelDir, ctx: &charm_emulator::HookContext) -> Juju {
    let path = format!(
        "{}:{}",
        dir.root().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let tools = ctx
        .env
        .iter()
        .fold(ProcessTools::default(), |tools, (k, v)| {
            tools.with_env(k, v)
        })
        .with_env(charm_emulator::MODEL_ENV, dir.root().display().to_string())
        .with_env("PATH", path);
    Juju::new(Box::new(tools))
}

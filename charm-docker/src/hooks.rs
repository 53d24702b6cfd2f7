//! Lifecycle hooks: `post_start` commands run in a container once it is started, `pre_stop`
//! ones before it is stopped (compose-spec `05-services.md` "post_start", "pre_stop").

use bollard::exec::{CreateExecOptions, StartExecResults};
use futures_util::StreamExt;

use crate::engine::Ctx;
use crate::file::Hook;
use crate::{Error, Result};

/// Runs `hooks` in `container`, in order; the first one that fails is the error.
pub(crate) async fn run(ctx: &Ctx<'_>, container: &str, kind: &str, hooks: &[Hook]) -> Result<()> {
    for (i, hook) in hooks.iter().enumerate() {
        let env: Vec<String> = hook
            .environment
            .iter()
            .filter_map(|(k, v)| Some(format!("{k}={}", v.as_deref()?)))
            .collect();
        let options = CreateExecOptions {
            cmd: Some(hook.command.0.clone()),
            user: hook.user.clone(),
            privileged: Some(hook.privileged),
            working_dir: hook.working_dir.clone(),
            env: (!env.is_empty()).then_some(env),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            ..Default::default()
        };
        let exec = ctx
            .docker
            .create_exec(container, options)
            .await
            .map_err(|e| ctx.err(e))?;
        // Drained so the command runs to its end before the next one starts.
        if let StartExecResults::Attached { mut output, .. } = ctx
            .docker
            .start_exec(&exec.id, None)
            .await
            .map_err(|e| ctx.err(e))?
        {
            while output.next().await.is_some() {}
        }
        let inspected = ctx
            .docker
            .inspect_exec(&exec.id)
            .await
            .map_err(|e| ctx.err(e))?;
        match inspected.exit_code {
            Some(0) => {}
            code => {
                return Err(Error::Engine {
                    status: None,
                    message: format!(
                        "{kind} hook {} in {container} exited with code {}",
                        i + 1,
                        code.unwrap_or(-1)
                    ),
                });
            }
        }
    }
    Ok(())
}

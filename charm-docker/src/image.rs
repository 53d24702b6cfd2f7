//! Image references and the "pull when missing" policy.
//!
//! ```
//! assert_eq!(charm_docker::image::with_default_tag("postgres"), "postgres:latest");
//! ```

use bollard::Docker;
use bollard::query_parameters::CreateImageOptions;
use futures_util::StreamExt;

use crate::progress::{Progress, PullTracker};
use crate::{Error, Result};

/// Adds `:latest` to a reference without tag or digest, so a pull never fetches all tags.
///
/// ```
/// use charm_docker::image::with_default_tag;
/// assert_eq!(with_default_tag("redis"), "redis:latest");
/// assert_eq!(with_default_tag("redis:alpine"), "redis:alpine");
/// assert_eq!(with_default_tag("localhost:5000/app"), "localhost:5000/app:latest");
/// assert_eq!(with_default_tag("app@sha256:abc"), "app@sha256:abc");
/// ```
pub fn with_default_tag(reference: &str) -> String {
    if reference.contains('@') {
        return reference.to_owned();
    }
    // A ':' after the last '/' is a tag; before it, a registry port.
    let last = reference.rsplit('/').next().unwrap_or(reference);
    if last.contains(':') {
        reference.to_owned()
    } else {
        format!("{reference}:latest")
    }
}

/// Splits a tagged reference into the `fromImage` and `tag` the pull endpoint wants.
fn split_tag(reference: &str) -> (&str, Option<&str>) {
    if reference.contains('@') {
        return (reference, None);
    }
    match reference.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
        _ => (reference, None),
    }
}

/// The local image id of `reference`, pulling it first when it is missing (or always,
/// for `pull_policy: always`).
pub(crate) async fn ensure(
    docker: &Docker,
    host: &str,
    reference: &str,
    progress: &mut dyn FnMut(&Progress),
    always: bool,
    stall: std::time::Duration,
) -> Result<String> {
    match inspect(docker, host, reference).await? {
        Some(id) if !always => return Ok(id),
        _ => pull(docker, host, reference, progress, stall).await?,
    }
    inspect(docker, host, reference)
        .await?
        .ok_or_else(|| Error::ImageNotFound {
            image: reference.to_owned(),
            reason: "the pull finished but the image is not there".to_owned(),
        })
}

/// The image id, or `None` when the engine does not have the image.
pub(crate) async fn inspect(
    docker: &Docker,
    host: &str,
    reference: &str,
) -> Result<Option<String>> {
    match docker.inspect_image(reference).await {
        Ok(image) => Ok(image.id),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(err) => Err(Error::engine(err, host)),
    }
}

async fn pull(
    docker: &Docker,
    host: &str,
    reference: &str,
    progress: &mut dyn FnMut(&Progress),
    stall: std::time::Duration,
) -> Result<()> {
    let (name, tag) = split_tag(reference);
    let options = CreateImageOptions {
        from_image: Some(name.to_owned()),
        tag: tag.map(str::to_owned),
        ..Default::default()
    };
    let report = |progress: &mut dyn FnMut(&Progress), percent, status: &str| {
        progress(&Progress {
            image: reference.to_owned(),
            percent,
            status: status.to_owned(),
        })
    };
    report(progress, None, "Pulling");
    let mut tracker = PullTracker::default();
    let mut stream = docker.create_image(Some(options), None, None);
    // Each progress line must come within `stall` of the previous one: a registry that
    // stops sending would otherwise hold the hook forever.
    loop {
        let Ok(next) = tokio::time::timeout(stall, stream.next()).await else {
            return Err(Error::TimedOut {
                operation: format!("pull of {reference}"),
                after: stall,
                stalled: true,
            });
        };
        let Some(event) = next else { break };
        let info = event.map_err(|err| match Error::engine(err, host) {
            unreachable @ Error::EngineUnreachable { .. } => unreachable,
            other => Error::ImageNotFound {
                image: reference.to_owned(),
                reason: pull_reason(&other),
            },
        })?;
        let status = info.status.as_deref().unwrap_or_default();
        let detail = info.progress_detail.as_ref();
        let percent = tracker.update(
            info.id.as_deref(),
            status,
            detail.and_then(|d| d.current),
            detail.and_then(|d| d.total),
        );
        report(progress, percent, status);
    }
    report(progress, Some(100), "Pulled");
    Ok(())
}

fn pull_reason(err: &Error) -> String {
    match err {
        Error::Engine { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_tags() {
        assert_eq!(split_tag("redis:alpine"), ("redis", Some("alpine")));
        assert_eq!(
            split_tag("localhost:5000/app:1"),
            ("localhost:5000/app", Some("1"))
        );
        assert_eq!(
            split_tag("localhost:5000/app"),
            ("localhost:5000/app", None)
        );
        assert_eq!(split_tag("app@sha256:abc"), ("app@sha256:abc", None));
    }
}

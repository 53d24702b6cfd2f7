//! `build:` at `up`: the image of a service that builds one is built through the engine's
//! classic build API (`POST /build` with a tar of the context) when it is missing, or every
//! time with `pull_policy: build`, as Compose v2 builds on `up`.
//!
//! The context is sent as Docker's CLI sends it: `.dockerignore` applied (the Dockerfile and
//! `.dockerignore` themselves always go), a Dockerfile outside the context or written inline
//! added under a name of its own; headers are deterministic (fixed times and owners) so that
//! an unchanged context keeps the engine's layer cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bollard::query_parameters::{BuildImageOptions, TagImageOptions};
use futures_util::StreamExt;

use crate::engine::Ctx;
use crate::file::{Build, PullPolicy};
use crate::progress::Progress;
use crate::{Error, Project, Result, image};

/// Where an inline or out-of-context Dockerfile goes in the context's tar.
const EXTRA_DOCKERFILE: &str = ".charm-docker.Dockerfile";

/// The image of every service with `build:` (by tagged reference): its id once present or
/// built, or why it could not be built. Only an unreachable engine fails the whole call.
pub(crate) async fn ensure_built(
    ctx: &Ctx<'_>,
    project: &Project,
    progress: &mut dyn FnMut(&Progress),
    built: &mut Vec<String>,
) -> Result<HashMap<String, Result<String>>> {
    let mut out = HashMap::new();
    for service in project.file().services().values() {
        let Some(build) = &service.build else {
            continue;
        };
        let reference = image::with_default_tag(&service.image);
        if out.contains_key(&reference) {
            continue;
        }
        let always = service.pull_policy == Some(PullPolicy::Build);
        let present = image::inspect(ctx.docker, ctx.host, &reference).await?;
        let result = match present {
            Some(id) if !always => Ok(id),
            _ => match run(ctx, project, build, &reference, progress).await {
                Ok(id) => {
                    built.push(reference.clone());
                    Ok(id)
                }
                Err(e @ Error::EngineUnreachable { .. }) => return Err(e),
                Err(e) => Err(e),
            },
        };
        out.insert(reference, result);
    }
    Ok(out)
}

async fn run(
    ctx: &Ctx<'_>,
    project: &Project,
    build: &Build,
    reference: &str,
    progress: &mut dyn FnMut(&Progress),
) -> Result<String> {
    let failed = |reason: String| Error::Build {
        image: reference.to_owned(),
        reason,
    };
    let context = crate::spec::resolve(project.working_dir(), Path::new(&build.context));
    if !context.is_dir() {
        return Err(failed(format!(
            "build.context {} is not a directory",
            context.display()
        )));
    }
    let (tar, dockerfile) = context_tar(&context, build).map_err(failed)?;
    if build.extra_hosts.len() > 1 {
        return Err(failed(
            "build.extra_hosts: the engine's build API takes one entry, not several".to_owned(),
        ));
    }
    let args: HashMap<String, String> = build
        .args
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
        .collect();
    let options = BuildImageOptions {
        dockerfile,
        t: Some(reference.to_owned()),
        extrahosts: build.extra_hosts.first().cloned(),
        nocache: build.no_cache,
        cachefrom: (!build.cache_from.is_empty()).then(|| build.cache_from.clone()),
        pull: build.pull.then(|| "1".to_owned()),
        rm: true,
        forcerm: true,
        buildargs: (!args.is_empty()).then_some(args),
        shmsize: build
            .shm_size
            .map(|s| {
                i32::try_from(s).map_err(|_| failed(format!("build.shm_size {s} is too large")))
            })
            .transpose()?,
        labels: (!build.labels.is_empty()).then(|| build.labels.clone().into_iter().collect()),
        networkmode: build.network.clone(),
        platform: build.platform.clone().unwrap_or_default(),
        target: build.target.clone().unwrap_or_default(),
        ..Default::default()
    };
    let report = |progress: &mut dyn FnMut(&Progress), percent, status: &str| {
        progress(&Progress {
            image: reference.to_owned(),
            percent,
            status: status.to_owned(),
        })
    };
    report(progress, None, "Building");
    let mut stream = ctx
        .docker
        .build_image(options, None, Some(bollard::body_full(tar.into())));
    let mut last = String::new();
    while let Some(event) = stream.next().await {
        let info = event.map_err(|err| match Error::engine(err, ctx.host) {
            unreachable @ Error::EngineUnreachable { .. } => unreachable,
            Error::Engine { message, .. } => failed(message),
            other => failed(other.to_string()),
        })?;
        if let Some(detail) = info.error_detail {
            return Err(failed(detail.message.unwrap_or(last)));
        }
        if let Some(line) = info
            .stream
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            last = line.to_owned();
            report(progress, None, line);
        }
    }
    for tag in &build.tags {
        let tag = image::with_default_tag(tag);
        let (repo, version) = tag.rsplit_once(':').unwrap_or((&tag, "latest"));
        let options = TagImageOptions {
            repo: Some(repo.to_owned()),
            tag: Some(version.to_owned()),
        };
        ctx.docker
            .tag_image(reference, Some(options))
            .await
            .map_err(|e| failed(format!("tagging {tag}: {}", ctx.err(e))))?;
    }
    report(progress, Some(100), "Built");
    image::inspect(ctx.docker, ctx.host, reference)
        .await?
        .ok_or_else(|| failed("the build finished but the image is not there".to_owned()))
}

/// The context as a tar, and the Dockerfile's path in it.
fn context_tar(context: &Path, build: &Build) -> std::result::Result<(Vec<u8>, String), String> {
    let ignore = Ignore::read(context)?;
    let mut tar = tar::Builder::new(Vec::new());
    tar.mode(tar::HeaderMode::Deterministic);
    tar.follow_symlinks(false);
    let mut extra: Option<Vec<u8>> = None;
    let dockerfile = match (&build.dockerfile_inline, &build.dockerfile) {
        (Some(text), _) => {
            extra = Some(text.clone().into_bytes());
            EXTRA_DOCKERFILE.to_owned()
        }
        (None, file) => {
            let file = file.as_deref().unwrap_or("Dockerfile");
            let path = crate::spec::resolve(context, Path::new(file));
            match path.strip_prefix(context) {
                Ok(inside) => inside.to_string_lossy().replace('\\', "/"),
                Err(_) => {
                    let text = std::fs::read(&path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    extra = Some(text);
                    EXTRA_DOCKERFILE.to_owned()
                }
            }
        }
    };
    let mut entries = Vec::new();
    walk(context, context, &ignore, &dockerfile, &mut entries)?;
    for (path, name) in entries {
        tar.append_path_with_name(&path, &name)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    }
    if let Some(text) = extra {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, EXTRA_DOCKERFILE, text.as_slice())
            .map_err(|e| e.to_string())?;
    }
    let bytes = tar.into_inner().map_err(|e| e.to_string())?;
    Ok((bytes, dockerfile))
}

/// Every file and directory under `dir` that `.dockerignore` keeps, as (path, name in tar).
fn walk(
    root: &Path,
    dir: &Path,
    ignore: &Ignore,
    dockerfile: &str,
    out: &mut Vec<(PathBuf, String)>,
) -> std::result::Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let always = name == dockerfile || name == ".dockerignore";
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !always && ignore.excludes(&name) {
            // An exception may re-include something below an excluded directory.
            if is_dir && ignore.has_exceptions() {
                walk(root, &path, ignore, dockerfile, out)?;
            }
            continue;
        }
        out.push((path.clone(), name));
        if is_dir {
            walk(root, &path, ignore, dockerfile, out)?;
        }
    }
    Ok(())
}

/// The patterns of a `.dockerignore`: the last that matches a path decides, `!` re-includes,
/// and a pattern that matches a directory excludes what is below it
/// (moby patternmatcher semantics: `*` and `?` within a path segment, `**` across them).
#[derive(Debug, Default)]
struct Ignore {
    patterns: Vec<(bool, Vec<String>)>,
}

impl Ignore {
    fn read(context: &Path) -> std::result::Result<Ignore, String> {
        let path = context.join(".dockerignore");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ignore::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(Ignore::parse(&text))
    }

    fn parse(text: &str) -> Ignore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let segments: Vec<String> = pattern
                .split('/')
                .filter(|s| !s.is_empty() && *s != ".")
                .map(str::to_owned)
                .collect();
            if !segments.is_empty() {
                patterns.push((exception, segments));
            }
        }
        Ignore { patterns }
    }

    fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|(exception, _)| *exception)
    }

    fn excludes(&self, name: &str) -> bool {
        let path: Vec<&str> = name.split('/').collect();
        let mut excluded = false;
        for (exception, pattern) in &self.patterns {
            // A match of the path or of any of its parent directories.
            let hit = (1..=path.len()).any(|n| segments_match(pattern, &path[..n]));
            if hit {
                excluded = !exception;
            }
        }
        excluded
    }
}

fn segments_match(pattern: &[String], path: &[&str]) -> bool {
    match (pattern.first(), path.first()) {
        (None, None) => true,
        (Some(p), _) if p == "**" => {
            (0..=path.len()).any(|skip| segments_match(&pattern[1..], &path[skip..]))
        }
        (Some(p), Some(s)) => {
            glob(p.as_bytes(), s.as_bytes()) && segments_match(&pattern[1..], &path[1..])
        }
        _ => false,
    }
}

/// `*` (any run), `?` (one byte) and `\` escapes within one segment.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|i| glob(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && glob(&p[1..], &s[1..]),
        Some(b'\\') if p.len() > 1 => s.first() == Some(&p[1]) && glob(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && glob(&p[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_follows_moby_patterns() {
        let ignore = Ignore::parse("# c\nnode_modules\n*.log\n**/tmp\n!keep.log\n/build/\n");
        assert!(ignore.excludes("node_modules"));
        assert!(ignore.excludes("node_modules/x/y.js"));
        assert!(ignore.excludes("a.log"));
        assert!(!ignore.excludes("keep.log"));
        assert!(
            !ignore.excludes("src/a.log"),
            "`*.log` is anchored at the root"
        );
        assert!(ignore.excludes("src/deep/tmp/file"));
        assert!(ignore.excludes("build/out"));
        assert!(!ignore.excludes("src/main.rs"));
    }

    #[test]
    fn the_context_tar_keeps_the_dockerfile_and_adds_an_inline_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM x\n").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "Dockerfile\n*.tmp\n").unwrap();
        std::fs::write(dir.path().join("a.tmp"), "").unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/app"), "app").unwrap();
        let names = |build: &Build| {
            let (bytes, dockerfile) = context_tar(dir.path(), build).unwrap();
            let mut archive = tar::Archive::new(bytes.as_slice());
            let names: Vec<String> = archive
                .entries()
                .unwrap()
                .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
                .collect();
            (names, dockerfile)
        };
        let (got, dockerfile) = names(&Build::default());
        assert_eq!(dockerfile, "Dockerfile");
        assert_eq!(got, [".dockerignore", "Dockerfile", "src", "src/app"]);
        let inline = Build {
            dockerfile_inline: Some("FROM y\n".into()),
            ..Build::default()
        };
        let (got, dockerfile) = names(&inline);
        assert_eq!(dockerfile, EXTRA_DOCKERFILE);
        assert!(got.contains(&EXTRA_DOCKERFILE.to_owned()), "{got:?}");
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("D"), "FROM z\n").unwrap();
        let elsewhere = Build {
            dockerfile: Some(outside.path().join("D").display().to_string()),
            ..Build::default()
        };
        let (got, dockerfile) = names(&elsewhere);
        assert_eq!(dockerfile, EXTRA_DOCKERFILE);
        assert!(got.contains(&EXTRA_DOCKERFILE.to_owned()), "{got:?}");
    }
}

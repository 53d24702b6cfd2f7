//! `cargo charm new NAME [--docker]`: a new charm crate that builds and passes its own tests
//! wherever it is, with its dependency lines pointing at a framework checkout (`--path`) or a
//! git repository (`--git`).

use std::path::{Path, PathBuf};

use crate::validate::valid_charm_name;

/// Where the new charm takes the framework from.
#[derive(Debug, Clone)]
pub enum Framework {
    /// A checkout of the framework's repository.
    Path(PathBuf),
    /// A git repository, optionally at a revision.
    Git {
        /// The repository URL.
        url: String,
        /// A commit, tag or branch name (`rev = ...`).
        rev: Option<String>,
    },
}

impl Framework {
    /// The framework checkout this cargo-charm was built from, when it is still there.
    pub fn this_checkout() -> Option<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
        root.join("charm-core/Cargo.toml")
            .is_file()
            .then(|| Self::Path(root.to_owned()))
    }

    /// The dependency line of crate `name` (`{ path = ".../charm-core" }`).
    fn dependency(&self, name: &str) -> String {
        match self {
            Self::Path(root) => format!(
                "{{ path = {} }}",
                toml_string(&root.join(name).display().to_string())
            ),
            Self::Git { url, rev: None } => format!("{{ git = {} }}", toml_string(url)),
            Self::Git {
                url,
                rev: Some(rev),
            } => {
                format!(
                    "{{ git = {}, rev = {} }}",
                    toml_string(url),
                    toml_string(rev)
                )
            }
        }
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What `new` is asked to write.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The charm's name (also the crate's and the binary's).
    pub name: String,
    /// The directory to create (default: `./NAME`).
    pub dir: Option<PathBuf>,
    /// Run a container with the docker layer.
    pub docker: bool,
    /// Where the framework comes from.
    pub framework: Framework,
}

/// Writes the new charm crate; returns its directory.
pub fn new(options: &NewOptions) -> Result<PathBuf, String> {
    let name = &options.name;
    if !valid_charm_name(name) {
        return Err(format!(
            "`{name}` is not a valid charm name: lower-case letters and digits in words joined by single dashes, starting with a letter (e.g. `my-charm`)"
        ));
    }
    let dir = options.dir.clone().unwrap_or_else(|| PathBuf::from(name));
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .next()
            .is_some()
    {
        return Err(format!("{} exists and is not empty", dir.display()));
    }
    for (path, text) in files(options) {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(dir)
}

/// The files of the new crate: (relative path, text).
fn files(options: &NewOptions) -> Vec<(&'static str, String)> {
    let docker = options.docker;
    let pick = |on: &'static str| if docker { on } else { "" };
    let subs: Vec<(&str, String)> = vec![
        (
            "@DEP_CORE@",
            match docker {
                // Docker is opt-in: without the feature no bollard or tokio is built.
                true => options.framework.dependency("charm-core").replace(" }", ", features = [\"docker\"] }"),
                false => options.framework.dependency("charm-core"),
            },
        ),
        ("@DEP_TESTING@", options.framework.dependency("charm-testing")),
        ("@LAYERS@", pick(", layers(charm_core::docker)").to_owned()),
        ("@PRELUDE@", pick(include_str!("template/docker.prelude.in")).to_owned()),
        ("@HANDLERS@", pick(include_str!("template/docker.handlers.in")).to_owned()),
        ("@TESTS@", pick(include_str!("template/docker.tests.in")).to_owned()),
        (
            "@GREET_TEST@",
            if docker { "" } else { include_str!("template/greet.test.in") }.to_owned(),
        ),
        ("@METADATA@", String::new()),
        ("@CONFIG@", pick(include_str!("template/docker.config.in")).to_owned()),
        (
            "@LAYOUT@",
            pick("| `templates/docker-compose.yml` | the workload, rendered from the config (`image`, `port`); every value is written as a quoted YAML scalar |\n").to_owned(),
        ),
        ("@MODULE@", options.name.replace('-', "_")),
        // The generated `flags` module's constant for "<name>.ready".
        ("@FLAG@", options.name.replace('-', "_").to_uppercase()),
        ("@NAME@", options.name.clone()),
    ];
    let fill = |template: &str| {
        subs.iter().fold(template.to_owned(), |text, (key, value)| {
            text.replace(key, value)
        })
    };
    let mut out = vec![
        ("Cargo.toml", fill(include_str!("template/Cargo.toml.in"))),
        (
            "charmcraft.yaml",
            fill(include_str!("template/charmcraft.yaml.in")),
        ),
        ("src/main.rs", fill(include_str!("template/main.rs.in"))),
        ("README.md", fill(include_str!("template/README.md.in"))),
        (".gitignore", "/target\n*.charm\n".to_owned()),
    ];
    if docker {
        out.push((
            "templates/docker-compose.yml",
            fill(include_str!("template/docker-compose.yml.in")),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(docker: bool) -> NewOptions {
        NewOptions {
            name: "my-charm".into(),
            dir: None,
            docker,
            framework: Framework::Git {
                url: "https://example.invalid/rust-charms".into(),
                rev: Some("abc123".into()),
            },
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for docker in [false, true] {
            for (path, text) in files(&options(docker)) {
                let left = text
                    .match_indices('@')
                    .any(|(i, _)| text[i + 1..].starts_with(|c: char| c.is_ascii_uppercase()));
                assert!(!left, "{path} (docker: {docker}):\n{text}");
            }
        }
    }

    #[test]
    fn dependency_lines() {
        let cargo = &files(&options(false))[0].1;
        assert!(cargo.contains(
            "charm-core = { git = \"https://example.invalid/rust-charms\", rev = \"abc123\" }"
        ));
        assert!(!cargo.contains("askama"));
        assert!(!cargo.contains("features = [\"docker\"]"));
        let docker = &files(&options(true))[0].1;
        assert!(!docker.contains("askama"));
        assert!(docker.contains(
            "charm-core = { git = \"https://example.invalid/rust-charms\", rev = \"abc123\", features = [\"docker\"] }"
        ));
        let path = Framework::Path("/src/rust \"charms\"".into()).dependency("charm-core");
        assert_eq!(path, "{ path = \"/src/rust \\\"charms\\\"/charm-core\" }");
    }

    #[test]
    fn the_charm_files_pass_the_checks() {
        for docker in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("c");
            new(&NewOptions {
                dir: Some(dir.clone()),
                ..options(docker)
            })
            .unwrap();
            let files = crate::files::CharmFiles::load(&dir).unwrap();
            assert_eq!(files.check(), vec![], "docker: {docker}");
            assert_eq!(files.name(), "my-charm");
        }
    }

    #[test]
    fn refuses_bad_names_and_busy_directories() {
        let err = new(&NewOptions {
            name: "My_Charm".into(),
            ..options(false)
        })
        .unwrap_err();
        assert!(
            err.contains("`My_Charm` is not a valid charm name"),
            "{err}"
        );
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("x"), "").unwrap();
        let err = new(&NewOptions {
            dir: Some(tmp.path().to_owned()),
            ..options(false)
        })
        .unwrap_err();
        assert!(err.contains("is not empty"), "{err}");
    }
}

//! The charm's own files, in either form charmcraft accepts: separate metadata.yaml,
//! config.yaml and actions.yaml, or one unified charmcraft.yaml holding the metadata keys at
//! the top and `config:` / `actions:` sections (what `charmcraft init` writes today).

use std::path::Path;

use charm_yaml::{Mapping, Value};

use crate::diag::{Diagnostic, Severity};
use crate::source::{Source, get};
use crate::validate;

/// Keys of charmcraft.yaml that are about building, not the charm's metadata (charmcraft's
/// `const.py` and its models): left out of the metadata.yaml written from a unified file.
const CHARMCRAFT_ONLY: &[&str] = &[
    "type",
    "bases",
    "base",
    "build-base",
    "platforms",
    "parts",
    "config",
    "actions",
    "charmhub",
    "analysis",
    "charm-libs",
    "links",
    "title",
];

/// A base the charm runs on: `ubuntu` `22.04`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The OS (`ubuntu`).
    pub name: String,
    /// Its channel (`22.04`).
    pub channel: String,
}

/// The bases a static binary runs on when charmcraft.yaml names none: the supported Ubuntu
/// LTS releases.
pub fn default_bases() -> Vec<Base> {
    ["22.04", "24.04"]
        .into_iter()
        .map(|channel| Base {
            name: "ubuntu".into(),
            channel: channel.into(),
        })
        .collect()
}

/// The charm's files, read and checked.
#[derive(Debug, Clone)]
pub struct CharmFiles {
    /// Metadata: metadata.yaml, or the top of charmcraft.yaml.
    pub metadata: Source,
    /// Config, when the charm has any.
    pub config: Option<Source>,
    /// Actions, when the charm has any.
    pub actions: Option<Source>,
    /// charmcraft.yaml, when there is one (unified or only build settings).
    pub charmcraft: Option<Source>,
    /// True when the metadata comes from charmcraft.yaml.
    pub unified: bool,
}

impl CharmFiles {
    /// Reads the charm files in `dir`. A file that cannot be read or parsed, both forms of the
    /// same part, or no metadata at all are findings.
    pub fn load(dir: &Path) -> Result<Self, Vec<Diagnostic>> {
        let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Source::parse(name, text).map(Some),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Diagnostic {
                    severity: Severity::Error,
                    file: name.to_owned(),
                    line: None,
                    key: String::new(),
                    message: format!("cannot read {}: {e}", path.display()),
                }),
            }
        };
        let mut errors = Vec::new();
        let mut take = |name: &str| {
            read(name).unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let charmcraft = take("charmcraft.yaml");
        let metadata = take("metadata.yaml");
        let config = take("config.yaml");
        let actions = take("actions.yaml");
        if !errors.is_empty() {
            return Err(errors);
        }
        let unified_key = |key: &str| charmcraft.as_ref().filter(|c| get(&c.root, key).is_some());
        let both = |part: &str, file: &str, errors: &mut Vec<Diagnostic>| {
            if let Some(c) = unified_key(part) {
                errors.push(c.finding(
                    Severity::Error,
                    &[part],
                    format!("`{part}` is given both here and in {file}: keep one"),
                ));
            }
        };
        let mut errors = Vec::new();
        let unified = unified_key("name").is_some();
        let metadata = match (metadata, unified) {
            (Some(m), false) => m,
            (Some(_), true) => {
                both("name", "metadata.yaml", &mut errors);
                return Err(errors);
            }
            (None, true) => charmcraft.clone().expect("unified"),
            (None, false) => {
                return Err(vec![Diagnostic {
                    severity: Severity::Error,
                    file: "metadata.yaml".into(),
                    line: None,
                    key: String::new(),
                    message: format!(
                        "no metadata.yaml, nor `name:` in a charmcraft.yaml, in {}",
                        dir.display()
                    ),
                }]);
            }
        };
        if config.is_some() {
            both("config", "config.yaml", &mut errors);
        }
        if actions.is_some() {
            both("actions", "actions.yaml", &mut errors);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let config = config.or_else(|| unified_key("config").map(|c| c.part("config")));
        let actions = actions.or_else(|| unified_key("actions").map(|c| c.part("actions")));
        Ok(Self {
            metadata,
            config,
            actions,
            charmcraft,
            unified,
        })
    }

    /// Every finding of the checks, errors and warnings.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut out = validate::metadata(self);
        if let Some(config) = &self.config {
            out.extend(validate::config(config));
        }
        if let Some(actions) = &self.actions {
            out.extend(validate::actions(actions));
        }
        if let Some(c) = &self.charmcraft {
            out.extend(self.bases_checked(c).err().unwrap_or_default());
        }
        out
    }

    /// The charm's name (checked by [`CharmFiles::check`]).
    pub fn name(&self) -> String {
        get(self.metadata.value(), "name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// metadata.yaml as it goes into the archive: the file itself, or the metadata keys of a
    /// unified charmcraft.yaml.
    pub fn metadata_yaml(&self) -> Result<String, String> {
        if !self.unified {
            return Ok(self.metadata.text.clone());
        }
        let Value::Mapping(all) = self.metadata.value() else {
            return Err("charmcraft.yaml: expected a mapping".into());
        };
        let kept: Mapping = all
            .iter()
            .filter(|(k, _)| !k.as_str().is_some_and(|k| CHARMCRAFT_ONLY.contains(&k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        charm_yaml::to_string(&kept).map_err(|e| format!("metadata.yaml: {e}"))
    }

    /// config.yaml as it goes into the archive, when the charm has config.
    pub fn config_yaml(&self) -> Result<Option<String>, String> {
        section_yaml(self.config.as_ref())
    }

    /// actions.yaml as it goes into the archive, when the charm has actions.
    pub fn actions_yaml(&self) -> Result<Option<String>, String> {
        section_yaml(self.actions.as_ref())
    }

    /// The bases of charmcraft.yaml (`base: ubuntu@24.04`, or `bases:` with `name` and
    /// `channel`, or `run-on` lists), else [`default_bases`].
    pub fn bases(&self) -> Vec<Base> {
        self.charmcraft
            .as_ref()
            .and_then(|c| self.bases_checked(c).ok())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(default_bases)
    }

    fn bases_checked(&self, c: &Source) -> Result<Vec<Base>, Vec<Diagnostic>> {
        let bad =
            |path: &[&str], what: &str| vec![c.finding(Severity::Error, path, what.to_owned())];
        if let Some(base) = get(&c.root, "base") {
            let parsed = base.as_str().and_then(|b| b.split_once('@'));
            return match parsed {
                Some((name, channel)) if !name.is_empty() && !channel.is_empty() => {
                    Ok(vec![Base {
                        name: name.into(),
                        channel: channel.into(),
                    }])
                }
                _ => Err(bad(
                    &["base"],
                    "a base is `<os>@<channel>`, e.g. `ubuntu@24.04`",
                )),
            };
        }
        let Some(bases) = get(&c.root, "bases") else {
            return Ok(Vec::new());
        };
        let Value::Sequence(bases) = bases else {
            return Err(bad(&["bases"], "must be a list of bases"));
        };
        let mut out = Vec::new();
        for entry in bases {
            let run_on = match get(entry, "run-on") {
                Some(Value::Sequence(list)) => list.iter().collect(),
                Some(_) => return Err(bad(&["bases"], "`run-on` must be a list of bases")),
                None => vec![entry],
            };
            for base in run_on {
                let name = get(base, "name").and_then(Value::as_str);
                let channel = get(base, "channel").and_then(Value::as_str);
                match (name, channel) {
                    (Some(name), Some(channel)) => out.push(Base {
                        name: name.into(),
                        channel: channel.into(),
                    }),
                    _ => {
                        return Err(bad(
                            &["bases"],
                            "each base needs `name` and `channel` (a quoted string: '22.04')",
                        ));
                    }
                }
            }
        }
        Ok(out)
    }
}

fn section_yaml(part: Option<&Source>) -> Result<Option<String>, String> {
    let Some(part) = part else { return Ok(None) };
    if part.prefix.is_empty() {
        return Ok(Some(part.text.clone()));
    }
    charm_yaml::to_string(part.value())
        .map(Some)
        .map_err(|e| format!("{}: {e}", part.file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(tmp.path().join(name), text).unwrap();
        }
        tmp
    }

    const UNIFIED: &str = "\
name: web
type: charm
title: Web
summary: A web server.
description: Serves pages.
base: ubuntu@24.04
platforms:
  amd64:
provides:
  website:
    interface: http
config:
  options:
    port:
      type: int
      default: eighty
      description: The port.
actions:
  snapshot:
    description: Take one.
";

    #[test]
    fn reads_a_unified_charmcraft_yaml() {
        let tmp = dir(&[("charmcraft.yaml", UNIFIED)]);
        let files = CharmFiles::load(tmp.path()).unwrap();
        assert!(files.unified);
        assert_eq!(files.name(), "web");
        let meta: Value = charm_yaml::from_str(&files.metadata_yaml().unwrap()).unwrap();
        assert!(get(&meta, "provides").is_some());
        for gone in ["type", "base", "platforms", "config", "actions", "title"] {
            assert!(get(&meta, gone).is_none(), "{gone} in metadata.yaml");
        }
        let config: Value = charm_yaml::from_str(&files.config_yaml().unwrap().unwrap()).unwrap();
        assert!(get(&config, "options").is_some());
        assert!(files.actions_yaml().unwrap().unwrap().contains("snapshot"));
        assert_eq!(
            files.bases(),
            [Base {
                name: "ubuntu".into(),
                channel: "24.04".into()
            }]
        );
        // Findings in a section name charmcraft.yaml, the full key and its line.
        let found: Vec<String> = files.check().iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "error: charmcraft.yaml:16: `config.options.port.default`: the default \"eighty\" is not of type int"
            ]
        );
    }

    #[test]
    fn reads_separate_files_and_bases_from_charmcraft_yaml() {
        let tmp = dir(&[
            ("metadata.yaml", "name: web\nsummary: s\ndescription: d\n"),
            ("config.yaml", "options: {}\n"),
            (
                "charmcraft.yaml",
                "type: charm\nbases:\n  - run-on:\n      - name: ubuntu\n        channel: '22.04'\n",
            ),
        ]);
        let files = CharmFiles::load(tmp.path()).unwrap();
        assert!(!files.unified);
        assert_eq!(files.check(), vec![]);
        assert_eq!(files.bases()[0].channel, "22.04");
        assert_eq!(
            files.metadata_yaml().unwrap(),
            "name: web\nsummary: s\ndescription: d\n"
        );
        assert!(files.actions.is_none());
    }

    #[test]
    fn both_forms_of_one_part_is_an_error() {
        let tmp = dir(&[
            ("charmcraft.yaml", UNIFIED),
            ("config.yaml", "options: {}\n"),
        ]);
        let err = CharmFiles::load(tmp.path()).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "error: charmcraft.yaml:12: `config`: `config` is given both here and in config.yaml: keep one"
        );
    }

    #[test]
    fn no_metadata_is_an_error() {
        let tmp = dir(&[("charmcraft.yaml", "type: charm\n")]);
        let err = CharmFiles::load(tmp.path()).unwrap_err();
        assert!(err[0].message.starts_with("no metadata.yaml"), "{}", err[0]);
    }

    #[test]
    fn default_bases_when_none_given() {
        let tmp = dir(&[("metadata.yaml", "name: web\nsummary: s\ndescription: d\n")]);
        let files = CharmFiles::load(tmp.path()).unwrap();
        assert_eq!(files.bases(), default_bases());
    }
}

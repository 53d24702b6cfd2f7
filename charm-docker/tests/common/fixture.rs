//! A project both charm-docker and another Compose drive: the seed's five services in a
//! temporary directory under one project name.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use charm_docker::{DownOptions, Engine, Project};

use super::{five_services, free_ports};

/// Another Compose: `tool(dir, project, args)` runs it as `-p project args` in `dir`.
pub type Tool = fn(&Path, &str, &[&str]) -> Output;

/// The five-service project, the name both tools use, and the other tool.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub name: String,
    pub engine: Engine,
    tool: Tool,
    tool_name: &'static str,
}

impl Fixture {
    /// A fresh project named `<prefix>-<test>-<pid>`, driven by `tool` (called `tool_name`
    /// in failures).
    pub fn new(prefix: &str, test: &str, tool: Tool, tool_name: &'static str) -> Fixture {
        let [vote, result, debug] = free_ports();
        Fixture::with_file(
            prefix,
            test,
            tool,
            tool_name,
            &five_services(vote, result, debug),
        )
    }

    /// The same with `yaml` as the compose file.
    pub fn with_file(
        prefix: &str,
        test: &str,
        tool: Tool,
        tool_name: &'static str,
        yaml: &str,
    ) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("docker-compose.yml"), yaml).unwrap();
        Fixture {
            dir,
            name: format!("{prefix}-{test}-{}", std::process::id()),
            engine: Engine::connect().expect("a Docker engine: run scripts/docker-up.sh"),
            tool,
            tool_name,
        }
    }

    /// The project as charm-docker reads it.
    pub fn project(&self) -> Project {
        Project::builder(self.dir.path().join("docker-compose.yml"))
            .name(&self.name)
            .build()
            .unwrap()
    }

    /// The other tool with `-p NAME ARGS` in the project directory; panics on failure.
    pub fn theirs(&self, args: &[&str]) -> String {
        let out = (self.tool)(self.dir.path(), &self.name, args);
        assert!(
            out.status.success(),
            "{} {args:?} failed: {}",
            self.tool_name,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Service -> container id, as the engine lists them by project label; every one must
    /// be running.
    pub fn ids(&self) -> BTreeMap<String, String> {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let out = Command::new("docker")
            .args(["ps", "-a", "--filter", &label])
            .args([
                "--format",
                "{{.Label \"com.docker.compose.service\"}} {{.ID}} {{.State}}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut parts = l.split(' ');
                let (service, id, state) = (parts.next()?, parts.next()?, parts.next()?);
                assert_eq!(state, "running", "{l}");
                Some((service.to_owned(), id.to_owned()))
            })
            .collect()
    }
}

impl Fixture {
    /// Service -> (container id, `Created` timestamp to the nanosecond), by project label.
    pub fn created(&self) -> BTreeMap<String, (String, String)> {
        let ids = self.ids();
        if ids.is_empty() {
            return BTreeMap::new();
        }
        let out = Command::new("docker")
            .arg("inspect")
            .args(["--format", "{{.Id}} {{.Created}}"])
            .args(ids.values())
            .output()
            .unwrap();
        let created: BTreeMap<String, String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, c)| (id.to_owned(), c.to_owned()))
            .collect();
        ids.into_iter()
            .map(|(service, id)| {
                let full = created
                    .iter()
                    .find(|(full, _)| full.starts_with(&id))
                    .map(|(full, c)| (full.clone(), c.clone()))
                    .unwrap_or_default();
                (service, full)
            })
            .collect()
    }

    /// Replaces `from` by `to` in the compose file (which must contain it).
    pub fn edit(&self, from: &str, to: &str) {
        let path = self.dir.path().join("docker-compose.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in the compose file");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = (self.tool)(self.dir.path(), &self.name, &["down", "-v", "-t", "1"]);
        if let Ok(project) = Project::builder(self.dir.path().join("docker-compose.yml"))
            .name(&self.name)
            .build()
        {
            let _ = self.engine.down(&project, DownOptions { volumes: true });
        }
    }
}

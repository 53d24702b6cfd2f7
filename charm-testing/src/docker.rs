//! A Docker test double for the harness (feature `docker`): a docker charm's state-transition
//! tests run in milliseconds without an engine. It records every compose `up` and `down` and
//! fails on demand as the engine would: engine down, image missing, port taken.
//!
//! ```no_run
//! # fn charm() -> &'static charm_core::Charm { unimplemented!() }
//! let mut h = charm_testing::Harness::new(charm(), env!("CARGO_MANIFEST_DIR"), "app/0").unwrap();
//! let docker = h.fake_docker();
//! h.run("install").result.unwrap();
//! assert_eq!(docker.ups().len(), 1);
//! docker.fail_image("redis:alpine");
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use charm_docker::{DownOptions, DownReport, Error, Progress, Project, UpReport};

/// One call the charm made.
///
/// ```
/// use charm_testing::docker::DockerCall;
/// let up = DockerCall::Up { project: "app".into(), services: vec![("web".into(), "nginx:1.27".into())] };
/// assert_ne!(up, DockerCall::Down { project: "app".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerCall {
    /// `ping`.
    Ping,
    /// `up` of a project: its name and (service, image) pairs in file order.
    Up {
        /// The compose project.
        project: String,
        /// (service, image), sorted by service.
        services: Vec<(String, String)>,
    },
    /// `down` of a project.
    Down {
        /// The compose project.
        project: String,
    },
}

#[derive(Debug, Default)]
struct State {
    calls: Vec<DockerCall>,
    engine_down: bool,
    missing_images: Vec<String>,
    taken_ports: Vec<u16>,
}

/// The double; clones share one record.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/metadata.yaml",
///     config = "tests/fixtures/doc/config.yaml",
///     flags("app.up"),
///     layers(charm_core::docker),
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when("docker.available")]
///     #[when_not("app.up")]
///     fn up(unit: &mut Unit) -> Result<()> {
///         unit.compose_up("app", "files/docker-compose.yml")?;
///         unit.flags().set(flags::APP_UP);
///         Ok(())
///     }
/// }
/// use charm_testing::docker::DockerCall;
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/doc");
/// let mut h = charm_testing::Harness::new(&app::CHARM, fixtures, "app/0").unwrap();
/// let docker = h.fake_docker();
/// std::fs::create_dir_all(h.charm_dir().join("files")).unwrap();
/// std::fs::write(h.charm_dir().join("files/docker-compose.yml"), "services:\n  web:\n    image: nginx:1.27\n").unwrap();
/// h.run("install").result.unwrap();
/// let services = vec![("web".to_owned(), "nginx:1.27".to_owned())];
/// assert_eq!(docker.ups(), [DockerCall::Up { project: "app".into(), services }]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct FakeDocker(Rc<RefCell<State>>);

impl FakeDocker {
    /// Every call so far.
    pub fn calls(&self) -> Vec<DockerCall> {
        self.0.borrow().calls.clone()
    }

    /// The `up` calls so far (successful or not).
    pub fn ups(&self) -> Vec<DockerCall> {
        self.calls()
            .into_iter()
            .filter(|c| matches!(c, DockerCall::Up { .. }))
            .collect()
    }

    /// The `down` calls so far.
    pub fn downs(&self) -> Vec<DockerCall> {
        self.calls()
            .into_iter()
            .filter(|c| matches!(c, DockerCall::Down { .. }))
            .collect()
    }

    /// Makes the engine unreachable (`true`) or back (`false`).
    pub fn set_engine_down(&self, down: bool) {
        self.0.borrow_mut().engine_down = down;
    }

    /// Makes `image` neither present nor pullable.
    pub fn fail_image(&self, image: &str) {
        self.0.borrow_mut().missing_images.push(image.to_owned());
    }

    /// Makes host port `port` taken by another process.
    pub fn take_port(&self, port: u16) {
        self.0.borrow_mut().taken_ports.push(port);
    }

    /// Clears every failure.
    pub fn heal(&self) {
        let mut state = self.0.borrow_mut();
        state.engine_down = false;
        state.missing_images.clear();
        state.taken_ports.clear();
    }

    fn engine(&self) -> Result<(), Error> {
        match self.0.borrow().engine_down {
            true => Err(Error::EngineUnreachable {
                host: "unix:///var/run/docker.sock (fake)".into(),
                reason: "connection refused".into(),
            }),
            false => Ok(()),
        }
    }
}

impl charm_core::DockerBackend for FakeDocker {
    fn api_version(&self) -> String {
        "1.45".to_owned()
    }

    fn ping(&self) -> Result<(), Error> {
        self.0.borrow_mut().calls.push(DockerCall::Ping);
        self.engine()
    }

    fn up(&self, project: &Project, _: &mut dyn FnMut(&Progress)) -> Result<UpReport, Error> {
        let services: Vec<(String, String)> = project
            .file()
            .services()
            .iter()
            .map(|(name, s)| (name.clone(), s.image.clone()))
            .collect();
        self.0.borrow_mut().calls.push(DockerCall::Up {
            project: project.name().to_owned(),
            services: services.clone(),
        });
        self.engine()?;
        let state = self.0.borrow();
        for (name, service) in project.file().services() {
            if state.missing_images.contains(&service.image) {
                return Err(Error::ImageNotFound {
                    image: service.image.clone(),
                    reason: "pull access denied (fake)".into(),
                });
            }
            for port in &service.ports {
                if let Some(host) = port.host_port.filter(|p| state.taken_ports.contains(p)) {
                    return Err(Error::PortAllocated {
                        service: name.clone(),
                        port: host.to_string(),
                    });
                }
            }
        }
        Ok(UpReport::default())
    }

    fn down(&self, project: &Project, _: DownOptions) -> Result<DownReport, Error> {
        self.0.borrow_mut().calls.push(DockerCall::Down {
            project: project.name().to_owned(),
        });
        self.engine()?;
        Ok(DownReport::default())
    }
}

//! Hook patterns (alternatives and `{requires:redis}` expansion), `#[only_once]`,
//! `#[when_file_changed]`, and an askama template whose variables are checked against its
//! typed context at compile time.

use std::cell::RefCell;
use std::rc::Rc;

use ui_tests::{Model, handlers_run, run_hook};

/// The environment file the charm renders; `{{ redis_host }}` must be a field.
#[derive(askama::Template)]
#[template(source = "REDIS_HOST={{ redis_host }}\nVOTE_PORT={{ vote_port }}\n", ext = "txt")]
pub struct EnvFile {
    pub redis_host: String,
    pub vote_port: i64,
}

#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.installed", "app.reload"),
    // The test reads `app.reload`.
    allow(unread("app.reload")),
)]
mod voting {
    use charm_core::prelude::*;

    #[hook("{install,upgrade-charm}")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_INSTALLED);
        Ok(())
    }

    #[hook("{requires:redis}-relation-{joined,changed}")]
    fn redis_changed(unit: &mut Unit) -> Result<()> {
        unit.log().info("redis changed");
        Ok(())
    }

    #[when("app.installed")]
    #[only_once]
    fn render(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let env = super::EnvFile {
            redis_host: "10.0.0.5".to_owned(),
            vote_port: config.vote_port,
        };
        let text = askama::Template::render(&env).map_err(|e| Error::Message(e.to_string()))?;
        std::fs::write(unit.charm_path("app.env"), text)
            .map_err(|e| Error::Message(e.to_string()))?;
        Ok(())
    }

    #[when_file_changed("app.env")]
    fn reload(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::APP_RELOAD);
        Ok(())
    }
}

fn main() {
    let model = Rc::new(RefCell::new(Model::with_default_config()));
    let dir = tempfile::tempdir().unwrap();
    let short = |report: &charm_core::HookReport| -> Vec<String> {
        handlers_run(report)
            .iter()
            .map(|n| n.rsplit("::").next().unwrap().to_owned())
            .collect()
    };

    let report = run_hook(&voting::CHARM, dir.path(), "install", &model);
    report.result.as_ref().unwrap();
    assert_eq!(short(&report), ["install", "render", "reload"]);
    let text = std::fs::read_to_string(dir.path().join("app.env")).unwrap();
    assert_eq!(text, "REDIS_HOST=10.0.0.5\nVOTE_PORT=5000\n");

    // Only once: `render` does not run again; the file did not change, so no reload.
    let report = run_hook(&voting::CHARM, dir.path(), "upgrade-charm", &model);
    report.result.as_ref().unwrap();
    assert_eq!(short(&report), ["install"]);

    let report = run_hook(&voting::CHARM, dir.path(), "redis-relation-joined", &model);
    report.result.as_ref().unwrap();
    assert_eq!(short(&report), ["redis_changed"]);
}

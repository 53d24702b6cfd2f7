//! An action handler with typed parameters: required, defaulted, run through the harness.

use charm_testing::Harness;

#[charm_core::charm(metadata = "../fixtures/actions/metadata.yaml")]
mod backup {
    use charm_core::prelude::*;

    #[action("dump-db")]
    fn dump(unit: &mut Unit, params: actions::DumpDb) -> Result<()> {
        let depth: i64 = params.depth; // required: no Option
        let format: String = params.format; // defaulted: no Option
        unit.action().set("dump.file", format!("/srv/dump-{depth}.{format}"))
    }

    #[action("restart")]
    fn restart(unit: &mut Unit) -> Result<()> {
        unit.action().log("restarting")
    }
}

fn main() {
    let fixtures = std::path::Path::new(ui_tests::FIXTURES).join("actions");
    let mut h = Harness::new(&backup::CHARM, &fixtures, "backup/0").unwrap();
    let out = h.run_action("dump-db", serde_json::json!({"depth": 2}));
    assert!(out.completed(), "{out:?}");
    assert_eq!(
        serde_json::Value::Object(out.results),
        serde_json::json!({"dump": {"file": "/srv/dump-2.sql"}})
    );
    let out = h.run_action("restart", serde_json::json!({}));
    assert_eq!(out.logs, ["restarting"]);
}

//! The `#[action]` example of charm-macros' documentation, verbatim but for the fixture path
//! (see doc_example_attributes.rs; doc-check holds the two in sync).

use charm_testing::Harness;

#[charm_core::charm(metadata = "../fixtures/actions/metadata.yaml")]
mod backup {
    use charm_core::prelude::*;

    #[action("dump-db")]
    fn dump(unit: &mut Unit, params: actions::DumpDb) -> Result<()> {
        unit.action().set("path", format!("/tmp/dump.{}", params.format))?;
        Ok(())
    }
}

fn main() {
    let fixtures = std::path::Path::new(ui_tests::FIXTURES).join("actions");
    let mut h = Harness::new(&backup::CHARM, &fixtures, "backup/0").unwrap();
    let out = h.run_action("dump-db", serde_json::json!({"depth": 1}));
    assert!(out.completed(), "{out:?}");
    assert_eq!(out.results["path"], "/tmp/dump.sql", "the default format");
}

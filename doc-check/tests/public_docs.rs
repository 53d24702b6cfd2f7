//! Every item rustdoc shows in the framework's library crates has docs, and every module,
//! type, trait, function, macro and type alias a compiled example (issue 18, item 6).
//!
//! Prints every offender as `crate path::Item (file:line): what is missing` and fails on any
//! not in `baseline.txt`. The per-crate counts go to stdout (`cargo test -p doc-check --
//! --nocapture`); `DOC_CHECK_SHOWN=1` also lists every shown path, to compare with rustdoc's
//! `target/doc/<crate>/all.html`.

use std::path::{Path, PathBuf};

use doc_check::{CrateSpec, check};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("doc-check lives in the workspace")
        .to_owned()
}

/// The library crates a charm author reads the docs of. cargo-charm has no library;
/// charm-emulator's library is the test harness's engine.
fn crates() -> Vec<CrateSpec> {
    let ws = workspace();
    let mut specs: Vec<CrateSpec> = [
        "charm-core",
        "charm-docker",
        "charm-testing",
        "charm-yaml",
        "charm-hooks",
        "charm-emulator",
    ]
    .iter()
    .map(|name| CrateSpec::new(name, ws.join(name).join("src/lib.rs")))
    .collect();
    // charm-macros' examples need charm-core's runtime: they are compiled and run by ui-tests
    // (tests/pass/doc_example_*.rs), so an `ignore` block counts when ui-tests holds it.
    let mut macros = CrateSpec::new("charm-macros", ws.join("charm-macros/src/lib.rs"));
    let pass = ws.join("ui-tests/tests/pass");
    let mut mirror: Vec<PathBuf> = std::fs::read_dir(&pass)
        .expect("ui-tests/tests/pass")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("doc_example"))
        })
        .collect();
    mirror.sort();
    macros.mirror = mirror;
    specs.push(macros);
    specs
}

/// The offenders known when the checker landed, one `crate path` a line: the test fails on
/// any offender not listed here and on any listed one that is fixed, so the list only shrinks
/// (delete a line when you document the item).
const BASELINE: &str = include_str!("../baseline.txt");

#[test]
fn every_shown_item_is_documented_with_examples() {
    let mut offenders = Vec::new();
    for spec in crates() {
        let report = check(&spec);
        println!(
            "{}: {} shown items checked, {} with a compiled example, {} offenders",
            spec.name,
            report.checked,
            report.with_example,
            report.offenders.len()
        );
        if std::env::var_os("DOC_CHECK_SHOWN").is_some() {
            for path in &report.shown {
                println!("shown {path}");
            }
        }
        offenders.extend(report.offenders);
    }
    let known: std::collections::BTreeSet<&str> = BASELINE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let key = |o: &doc_check::Offender| format!("{} {}", o.krate, o.path);
    let keys: std::collections::BTreeSet<String> = offenders.iter().map(key).collect();
    let new: Vec<_> = offenders
        .iter()
        .filter(|o| !known.contains(key(o).as_str()))
        .collect();
    let fixed: Vec<_> = known.iter().filter(|k| !keys.contains(**k)).collect();
    for o in &offenders {
        let mark = if new.contains(&o) { "NEW " } else { "" };
        println!("{mark}{o}");
    }
    if std::env::var_os("DOC_CHECK_BLESS").is_some() {
        let mut text = String::from(
            "# Shown items still lacking docs or a compiled example (doc-check/tests/public_docs.rs).\n",
        );
        for k in &keys {
            text.push_str(k);
            text.push('\n');
        }
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("baseline.txt"),
            text,
        )
        .expect("writing baseline.txt");
        return;
    }
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{} shown items lack docs or an example and are not in doc-check/baseline.txt \
         (marked NEW above); {} baseline entries are fixed, delete them: {fixed:?}",
        new.len(),
        fixed.len()
    );
}

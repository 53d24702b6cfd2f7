//! The book's hand-written reference tables, checked against the code they describe, so a
//! macro, a knob, a deadline or a deliberate difference added (or removed) without its row
//! fails here, naming the page and what is missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = workspace().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first column of every table row of `page` under the heading `heading` (up to the
/// next heading), without its backticks.
fn first_column(page: &str, heading: &str) -> Vec<String> {
    let text = read(page);
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("{page} has no heading {heading:?}"));
    let section = &text[start + heading.len()..];
    let section = &section[..section.find("\n#").unwrap_or(section.len())];
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .skip(1) // the header row
        .map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .trim()
                .trim_matches('`')
                .to_owned()
        })
        .collect()
}

/// The attribute macros charm-macros exports: each `pub fn` after `#[proc_macro_attribute]`
/// and each name of its `handler_attributes!` list.
fn exported_macros() -> BTreeSet<String> {
    let lib = read("charm-macros/src/lib.rs");
    let mut names = BTreeSet::new();
    let mut attribute = false;
    for line in lib.lines() {
        if line.trim() == "#[proc_macro_attribute]" {
            attribute = true;
        } else if attribute && let Some(rest) = line.strip_prefix("pub fn ") {
            names.insert(rest.split('(').next().unwrap().to_owned());
            attribute = false;
        }
    }
    let list = &lib[lib.find("handler_attributes! {").expect("the handler list")..];
    let list = &list[..list.find("\n}").unwrap()];
    for line in list.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_suffix(',')
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            names.insert(name.to_owned());
        }
    }
    names
}

#[test]
fn the_macros_page_has_a_row_for_every_attribute_charm_macros_exports() {
    let exported = exported_macros();
    assert!(exported.len() >= 15, "{exported:?}");
    let rows = first_column("book/src/macros.md", "# The macros");
    let documented: BTreeSet<String> = rows
        .iter()
        .flat_map(|cell| cell.split(['`', ',', '=']))
        .filter_map(|part| {
            let part = part.trim().strip_prefix("#[")?;
            Some(part.split(['(', ']']).next()?.to_owned())
        })
        .collect();
    let missing: Vec<_> = exported.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&exported).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "book/src/macros.md's table: no row for {missing:?}; rows for no macro: {stale:?}"
    );
}

#[test]
fn the_knobs_table_lists_exactly_the_settings_charm_core_reads() {
    let code: BTreeSet<&str> = charm_core::settings::KNOBS
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let rows = first_column(
        "book/src/hook-tools.md",
        "### The framework's knobs on a real unit",
    );
    let page: BTreeSet<&str> = rows.iter().map(String::as_str).collect();
    assert_eq!(
        page, code,
        "book/src/hook-tools.md's knobs table against charm_core::settings::KNOBS"
    );
}

#[test]
fn the_deadlines_table_gives_charm_dockers_defaults() {
    let text = read("book/src/faults.md");
    for (knob, secs) in charm_docker::deadline::KNOBS {
        let row = text
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("`{knob}`")))
            .unwrap_or_else(|| panic!("book/src/faults.md has no row for {knob}"));
        let default = row.split('|').nth(3).unwrap().trim();
        assert_eq!(
            default,
            format!("{secs} s"),
            "book/src/faults.md: the default of {knob}"
        );
    }
}

/// `s15-s18` is s15, s16, s17, s18.
fn scenarios(cell: &str) -> Vec<String> {
    cell.split(',')
        .flat_map(|part| {
            let part = part.trim();
            match part.split_once('-') {
                Some((a, b)) => {
                    let n = |s: &str| s.trim_start_matches('s').parse::<u32>().unwrap();
                    (n(a)..=n(b)).map(|i| format!("s{i:02}")).collect()
                }
                None => vec![part.to_owned()],
            }
        })
        .collect()
}

#[test]
fn the_deliberate_differences_table_names_every_scenario_of_the_conformance_list() {
    let source = read("conformance/src/deliberate.rs");
    let code: BTreeSet<String> = source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("scenario: \""))
        .map(|rest| rest.trim_end_matches("\",").to_owned())
        .collect();
    assert!(!code.is_empty());
    let text = read("book/src/flags-and-handlers.md");
    let start = text
        .find("## Where we deliberately differ")
        .expect("the section");
    let page: BTreeSet<String> = text[start..]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| what"))
        .flat_map(|l| scenarios(l.trim_end_matches('|').rsplit('|').next().unwrap()))
        .collect();
    assert_eq!(
        page, code,
        "book/src/flags-and-handlers.md's table against conformance/src/deliberate.rs"
    );
}

#[test]
fn scenario_ranges_expand() {
    assert_eq!(scenarios("s15-s17"), ["s15", "s16", "s17"]);
    assert_eq!(scenarios(" s51 "), ["s51"]);
}

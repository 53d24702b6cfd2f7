//! The checker's rules on a small crate written here: what rustdoc shows, what counts as an
//! example.

use std::path::PathBuf;

use doc_check::{CrateSpec, Problem, check};

/// Writes `files` (path, text) under a fresh directory and returns its `src/lib.rs`.
fn fixture(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("doc-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.join("src/lib.rs")
}

fn offenders(root: PathBuf) -> Vec<(String, Problem)> {
    check(&CrateSpec::new("fx", root))
        .offenders
        .into_iter()
        .map(|o| (o.path, o.problem))
        .collect()
}

const EXAMPLE: &str = "/// Docs.\n///\n/// ```\n/// assert!(true);\n/// ```\n";

#[test]
fn re_exports_show_private_items_and_hidden_hides_them() {
    let lib = format!(
        "//! Root.\n//!\n//! ```\n//! ```\n\
         mod inner;\n\
         pub use inner::Shown;\n\
         #[doc(hidden)]\npub use inner::Hidden;\n\
         #[doc(hidden)]\npub mod plumbing {{ pub struct Deep; }}\n\
         pub(crate) struct Crate;\n\
         {EXAMPLE}pub struct Documented;\n\
         impl Documented {{ pub fn method(&self) {{}} pub(crate) fn quiet(&self) {{}} }}\n"
    );
    let root = fixture(
        "reexport",
        &[
            ("src/lib.rs", &lib),
            (
                "src/inner.rs",
                "/// Shown at the root.\npub struct Shown { pub field: u8 }\npub struct Hidden;\npub struct Unreached;\n",
            ),
        ],
    );
    let report = check(&CrateSpec::new("fx", root.clone()));
    assert_eq!(
        report.shown,
        ["fx", "fx::Documented", "fx::Shown"],
        "not Hidden, plumbing::Deep, Crate nor the unexported Unreached"
    );
    assert_eq!(
        offenders(root),
        [
            ("fx::Documented::method".to_owned(), Problem::NoDocs),
            ("fx::Shown".to_owned(), Problem::NoExample),
            ("fx::Shown::field".to_owned(), Problem::NoDocs),
        ]
    );
}

#[test]
fn only_compiled_rust_blocks_are_examples() {
    let cases = [
        ("```", true),
        ("```rust", true),
        ("```no_run", true),
        ("```should_panic", true),
        ("```ignore", false),
        ("```compile_fail", false),
        ("```text", false),
        ("```yaml", false),
        ("```sh", false),
    ];
    for (fence, counts) in cases {
        let lib = format!(
            "//! Root.\n//!\n//! ```\n//! ```\n/// Docs.\n///\n/// {fence}\n/// let x = 1;\n/// ```\npub fn f() {{}}\n"
        );
        let found = offenders(fixture("fence", &[("src/lib.rs", &lib)]));
        let expected = if counts {
            vec![]
        } else {
            vec![("fx::f".to_owned(), Problem::NoExample)]
        };
        assert_eq!(found, expected, "{fence}");
    }
}

#[test]
fn globs_and_pub_mods_are_walked_and_constants_need_docs_only() {
    let lib = format!(
        "//! Root.\n//!\n//! ```\n//! ```\n\
         mod a {{ /// A constant.\npub const C: u8 = 1; pub static S: u8 = 2; }}\n\
         pub use a::*;\n\
         {EXAMPLE}pub mod m {{ pub enum E {{ /// Doc.\nA, B {{ x: u8 }} }} }}\n"
    );
    let found = offenders(fixture("glob", &[("src/lib.rs", &lib)]));
    assert_eq!(
        found,
        [
            ("fx::S".to_owned(), Problem::NoDocs),
            ("fx::m::E".to_owned(), Problem::NoDocs),
            ("fx::m::E::B".to_owned(), Problem::NoDocs),
            ("fx::m::E::B::x".to_owned(), Problem::NoDocs),
        ]
    );
}

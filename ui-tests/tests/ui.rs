//! Every charm mistake is a compile error pointing at the author's token; every example
//! compiles and runs. Blessed on Rust 1.95: `TRYBUILD=overwrite cargo test -p ui-tests`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for area in [
        "flags",
        "config",
        "endpoints",
        "params",
        "templates",
        "conditions",
        "hooks",
        "registry",
        "duplicates",
        "files",
        "multi",
        "logic",
        "messages",
        "storage",
        "actions",
        "interfaces",
    ] {
        t.compile_fail(format!("tests/ui/{area}/*.rs"));
    }
    t.pass("tests/pass/*.rs");
}

/// The flag graph's checks: one compile error per mistake, and charms they must leave alone
/// (flags the framework, a layer or a trigger sets, cycles something stops).
#[test]
fn graph() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/graph/*.rs");
    t.pass("tests/graph-pass/*.rs");
}

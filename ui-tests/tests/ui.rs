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
        "actions",
    ] {
        t.compile_fail(format!("tests/ui/{area}/*.rs"));
    }
    t.pass("tests/pass/*.rs");
}

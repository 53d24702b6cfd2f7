//! `cargo charm graph`: the book's pictures of the voting-app's flag graph and of a charm
//! with a layer (test-charms/hello on greeter-layer) are what the command writes today.
//! A stale picture fails; `CHARM_BLESS=1 cargo test -p cargo-charm --test graph` rewrites
//! them. SVG needs Graphviz's `dot` (Debian's `graphviz`, installed by .ci/run).

mod common;

use std::process::Command;

use common::workspace;

const CARGO_CHARM: &str = env!("CARGO_BIN_EXE_cargo-charm");

fn graph(manifest: &str, format: &str) -> String {
    let out = Command::new(CARGO_CHARM)
        .args(["charm", "graph", "--manifest-path"])
        .arg(workspace().join(manifest))
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo charm graph --format {format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn check_pictures(manifest: &str, name: &str) {
    let bless = std::env::var_os("CHARM_BLESS").is_some();
    let mut stale = Vec::new();
    for (format, ext) in [("mermaid", "mmd"), ("dot", "dot"), ("svg", "svg")] {
        let path = workspace().join(format!("book/src/graphs/{name}.{ext}"));
        let now = graph(manifest, format);
        if bless {
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != now {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale graph pictures in the book: {}; regenerate them with \
         `CHARM_BLESS=1 cargo test -p cargo-charm --test graph` and review the diff",
        stale.join(", ")
    );
}

#[test]
fn the_books_voting_app_graph_is_current() {
    check_pictures("voting-app/Cargo.toml", "voting-app");
}

#[test]
fn the_books_graph_of_a_charm_with_a_layer_is_current() {
    check_pictures("test-charms/hello/Cargo.toml", "hello");
}

#[test]
fn the_mermaid_text_shows_handlers_flags_and_labelled_edges() {
    let text = graph("voting-app/Cargo.toml", "mermaid");
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    assert!(
        text.contains("[\"voting_app::converge\"]:::handler"),
        "{text}"
    );
    assert!(text.contains("([\"docker.available\"]):::layer"), "{text}");
    assert!(
        text.contains("([\"voting-app.running\"]):::charm"),
        "{text}"
    );
    assert!(text.contains("-- when -->"), "{text}");
    assert!(text.contains("-- when_not -->"), "{text}");
    assert!(text.contains("== set ==>"), "{text}");
    assert!(text.contains("-. clear .->"), "{text}");
}

#[test]
fn a_bad_binary_is_an_error_naming_it() {
    let out = Command::new(CARGO_CHARM)
        .args(["charm", "graph", "--binary", "/nonexistent/charm"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/charm"), "{err}");
}

/// `cargo charm ... --model DIR --emulator EMU` on test-charms/hello.
fn local(model: &std::path::Path, args: &[&str]) -> String {
    let (command, rest) = args.split_first().unwrap();
    let out = Command::new(CARGO_CHARM)
        .args(["charm", command, "--manifest-path"])
        .arg(workspace().join("test-charms/hello/Cargo.toml"))
        .arg("--model")
        .arg(model)
        .arg("--emulator")
        .arg(charm_testing::emulator_binary())
        .args(rest)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo charm {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_emulators_status_graph_highlights_what_the_last_hook_ran_and_why() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("hello-graph");
    local(&model, &["deploy"]);
    local(&model, &["config", "port=9100"]);
    let text = local(&model, &["status", "--graph"]);
    assert!(text.contains("Last hook   hooks/config-changed"), "{text}");
    assert!(
        text.contains("Ran         iteration 0: hello_charm::hello::open_port"),
        "{text}"
    );
    assert!(text.contains("[\"hello::open_port\"]:::ran"), "{text}");
    assert!(text.contains("[\"hello::ready\"]:::handler"), "{text}");
    assert!(
        text.contains("%% ran hello::open_port: when config.changed.port"),
        "{text}"
    );
    assert!(text.contains("linkStyle "), "{text}");
    local(&model, &["remove"]);
}

//! Locating reference errors (a `depends_on` naming an unknown service, an undeclared network
//! or volume) on their line.
//!
//! A reference can point forward (top-level `networks:` usually comes after `services:`), so
//! it can only be checked once the whole file is read, and by then serde_yaml's positions are
//! gone. When the check fails, the file is read a second time with the declared names in
//! this thread-local: the visitors of the referring fields then fail on the offending node,
//! and charm-yaml reports its line. The first read, the only one on valid files, checks
//! nothing here.

use std::cell::RefCell;
use std::collections::BTreeSet;

/// The names a file declares.
#[derive(Debug, Default, Clone)]
pub(crate) struct Declared {
    pub(crate) services: BTreeSet<String>,
    pub(crate) networks: BTreeSet<String>,
    pub(crate) volumes: BTreeSet<String>,
    pub(crate) secrets: BTreeSet<String>,
    pub(crate) configs: BTreeSet<String>,
}

thread_local! {
    static DECLARED: RefCell<Option<Declared>> = const { RefCell::new(None) };
}

/// Runs `f` with `declared` in force, restoring the previous state even if `f` unwinds.
pub(crate) fn with<T>(declared: Declared, f: impl FnOnce() -> T) -> T {
    struct Reset(Option<Declared>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            DECLARED.with(|d| *d.borrow_mut() = previous);
        }
    }
    let previous = DECLARED.with(|d| d.borrow_mut().replace(declared));
    let _reset = Reset(previous);
    f()
}

fn check(kind: &str, name: &str, pick: fn(&Declared) -> &BTreeSet<String>) -> Result<(), String> {
    DECLARED.with(|d| match d.borrow().as_ref() {
        Some(declared) if !pick(declared).contains(name) => {
            Err(unknown(kind, name, pick(declared)))
        }
        _ => Ok(()),
    })
}

/// The message for a reference to an undeclared name (shared by both reads).
pub(crate) fn unknown(kind: &str, name: &str, declared: &BTreeSet<String>) -> String {
    let known = if declared.is_empty() {
        "none is declared".to_owned()
    } else {
        let names: Vec<&str> = declared.iter().map(String::as_str).collect();
        format!("declared: {}", names.join(", "))
    };
    format!("{kind} {name:?} is not declared ({known})")
}

pub(crate) fn service(name: &str) -> Result<(), String> {
    check("service", name, |d| &d.services)
}

pub(crate) fn network(name: &str) -> Result<(), String> {
    // `default` always exists implicitly.
    if name == "default" {
        return Ok(());
    }
    check("network", name, |d| &d.networks)
}

pub(crate) fn volume(name: &str) -> Result<(), String> {
    check("volume", name, |d| &d.volumes)
}

pub(crate) fn secret(name: &str) -> Result<(), String> {
    check("secret", name, |d| &d.secrets)
}

pub(crate) fn config(name: &str) -> Result<(), String> {
    check("config", name, |d| &d.configs)
}

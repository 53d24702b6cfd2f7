//! A minimal in-memory hook-tool backend for the dispatch tests: enough to run hooks
//! in-process and assert on what the charm did. (Black-box tests use the emulator.)
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use charm_core::juju::{HookTools, ToolOutput};
use charm_core::{Charm, HookEnv, HookReport, RunOptions};

#[derive(Default, Debug)]
pub struct World {
    pub config: BTreeMap<String, serde_json::Value>,
    pub calls: Vec<String>,
    pub statuses: Vec<String>,
}

pub struct Fake(pub Rc<RefCell<World>>);

impl HookTools for Fake {
    fn run(&mut self, tool: &str, args: &[String], _stdin: &[u8]) -> std::io::Result<ToolOutput> {
        let mut world = self.0.borrow_mut();
        world.calls.push(format!("{tool} {}", args.join(" ")));
        let stdout = match tool {
            "config-get" => serde_json::to_vec(&world.config).unwrap(),
            "status-set" => {
                // `status-set KIND -- MESSAGE`: recorded as "KIND MESSAGE".
                let words: Vec<&str> = args
                    .iter()
                    .map(String::as_str)
                    .filter(|a| *a != "--")
                    .collect();
                world.statuses.push(words.join(" "));
                Vec::new()
            }
            "is-leader" => b"true".to_vec(),
            "relation-ids" | "opened-ports" => b"[]".to_vec(),
            _ => Vec::new(),
        };
        Ok(ToolOutput {
            code: 0,
            stdout,
            stderr: Vec::new(),
        })
    }
}

pub fn env(dir: &std::path::Path, hook: &str) -> HookEnv {
    HookEnv {
        hook: hook.to_owned(),
        charm_dir: dir.to_owned(),
        unit_name: "hello/0".to_owned(),
        relation: None,
        ..Default::default()
    }
}

pub fn run(
    charm: &'static Charm,
    dir: &std::path::Path,
    hook: &str,
    world: &Rc<RefCell<World>>,
) -> HookReport {
    // Fake is not Send; HookTools does not require it.
    charm_core::run_hook(
        charm,
        env(dir, hook),
        Box::new(Fake(world.clone())),
        RunOptions::default(),
    )
}

thread_local! {
    pub static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

pub fn record(name: &'static str) {
    LOG.with(|l| l.borrow_mut().push(name));
}

pub fn take_log() -> Vec<&'static str> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

//! What the fault suite's tests share: units of the `faulty` charm in the emulator, the
//! state a converged unit must be in, wrappers that kill the charm, a seeded generator.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use charm_emulator::{Hook, HookOutcome, Model, Runner};
use charm_testing::EmulatedUnit;

pub const CHARM: &str = env!("CARGO_BIN_EXE_faulty");
/// The password every suite configures: no log, status, trace or state file may hold it.
pub const PASSWORD: &str = "pw-Zq8-never-logged";
pub const REMOTE: &str = "client/0";

/// A unit of `faulty`, deployed (or not), with the relation when asked for.
pub struct Faulty {
    pub unit: EmulatedUnit,
    pub relation: Option<u64>,
}

impl Faulty {
    /// A fresh unit with the suite's password, nothing run yet.
    pub fn fresh() -> Self {
        let unit = emulated_unit(Path::new(env!("CARGO_MANIFEST_DIR")), "faulty/0", CHARM);
        // Every dispatch step on stderr, which the agent logs: the trace is grepped too.
        std::fs::write(
            unit.charm_dir.join(charm_core::SETTINGS_FILE),
            "CHARM_TRACE=1\n",
        )
        .unwrap();
        unit.runner
            .model_dir()
            .transact(|emu| emu.model_mut().set_config("password", PASSWORD))
            .unwrap();
        Self {
            unit,
            relation: None,
        }
    }

    /// Deployed and related to `client/0` (which asks `ask0`).
    pub fn deployed() -> Self {
        let mut f = Self::fresh();
        for out in f.unit.runner.deploy().unwrap() {
            assert!(out.success(), "{}", out.stderr_text());
        }
        let spec = charm_emulator::RemoteUnitSpec {
            name: REMOTE.to_owned(),
            data: [("ask".to_owned(), "ask0".to_owned())].into(),
        };
        let (id, outs) = f
            .unit
            .runner
            .relate("site", "client", &[spec], &Default::default())
            .unwrap();
        for out in outs {
            assert!(out.success(), "{}", out.stderr_text());
        }
        f.relation = Some(id);
        f.assert_converged("after deploy and relate");
        f
    }

    pub fn model(&self) -> Model {
        self.unit.model()
    }

    pub fn charm_dir(&self) -> &Path {
        &self.unit.charm_dir
    }

    /// A runner of this unit's hooks through `program` (a killing wrapper).
    pub fn runner_with(&self, program: &Path) -> Runner {
        Runner::new(self.unit.runner.model_dir().clone()).with_charm_binary(program)
    }

    pub fn set_config(&self, key: &str, value: &str) {
        self.unit
            .runner
            .model_dir()
            .transact(|emu| emu.model_mut().set_config(key, value))
            .unwrap();
    }

    /// Changes what the remote unit asks, without running a hook.
    pub fn set_ask(&self, ask: &str) {
        let id = self.relation.expect("related");
        self.unit
            .runner
            .model_dir()
            .transact(|emu| {
                let rel = emu.model_mut().relations.get_mut(&id).unwrap();
                let bag = &mut rel.remote_units.get_mut(REMOTE).unwrap().data;
                if ask.is_empty() {
                    bag.remove("ask");
                } else {
                    bag.insert("ask".to_owned(), ask.to_owned());
                }
                Ok(())
            })
            .unwrap();
    }

    pub fn relation_changed(&self) -> Hook {
        Hook::new("site-relation-changed")
            .with_relation(self.relation.expect("related"))
            .with_remote_unit(REMOTE)
    }

    /// What config and relations say the unit must look like: ports, relation data, file,
    /// status. Panics with `when` and the difference.
    pub fn assert_converged(&self, when: &str) {
        let model = self.model();
        let config = model.effective_config();
        let port = config["port"].as_i64().unwrap();
        let greeting = config["greeting"].as_str().unwrap().to_owned();
        let password = config["password"].as_str().unwrap().to_owned();
        let ports: Vec<String> = model.opened_ports.iter().map(|p| p.to_string()).collect();
        assert_eq!(ports, [format!("{port}/tcp")], "{when}: opened ports");
        assert_eq!(
            (
                model.unit_status.status.as_str(),
                model.unit_status.message.as_str()
            ),
            ("active", faults::serving(port as u16).as_str()),
            "{when}: status"
        );
        let mut ask = String::new();
        if let Some(id) = self.relation {
            let rel = &model.relations[&id];
            ask = rel.remote_units[REMOTE]
                .data
                .get("ask")
                .cloned()
                .unwrap_or_default();
            let bag = &rel.local_unit_data;
            assert_eq!(
                bag.get("greeting"),
                Some(&greeting),
                "{when}: greeting published"
            );
            assert_eq!(
                bag.get("port"),
                Some(&port.to_string()),
                "{when}: port published"
            );
            assert_eq!(
                bag.get("echo").cloned().unwrap_or_default(),
                ask,
                "{when}: echo published"
            );
        }
        let wanted = rendering(&greeting, &password, port, &ask);
        let on_disk = std::fs::read_to_string(self.charm_dir().join(faults::APP_FILE))
            .unwrap_or_else(|e| panic!("{when}: {}: {e}", faults::APP_FILE));
        assert_eq!(on_disk, wanted, "{when}: rendered file");
        assert_no_temp_files(self.charm_dir(), when);
        assert_state_intact(self.charm_dir(), when);
        assert_no_password(&model, self.charm_dir(), when);
    }
}

/// A temp dir in memory when the machine has one: the emulator fsyncs its model on every
/// hook-tool call, which on a busy disk is most of a hook's time.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    match tempfile::Builder::new().prefix("faults-").tempdir_in(shm) {
        Ok(dir) => dir,
        Err(_) => tempfile::tempdir().unwrap(),
    }
}

/// [`EmulatedUnit::new`], in [`scratch_dir`].
pub fn emulated_unit(source_dir: &Path, unit: &str, charm: &str) -> EmulatedUnit {
    let tmp = scratch_dir();
    let charm_dir = tmp.path().join("charm");
    std::fs::create_dir_all(&charm_dir).unwrap();
    for file in ["metadata.yaml", "config.yaml"] {
        std::fs::copy(source_dir.join(file), charm_dir.join(file)).unwrap();
    }
    let dir = charm_emulator::ModelDir::init(&charm_emulator::InitOptions {
        model_dir: tmp.path().join("model"),
        charm_dir: charm_dir.clone(),
        unit: unit.to_owned(),
        leader: true,
        tool_executable: charm_testing::emulator_binary(),
    })
    .unwrap();
    let runner = Runner::new(dir).with_charm_binary(charm);
    EmulatedUnit {
        tmp,
        charm_dir,
        runner,
    }
}

/// The bytes the charm renders for these values.
pub fn rendering(greeting: &str, password: &str, port: i64, echo: &str) -> String {
    charm_core::render::render(&faults::AppFile {
        greeting,
        password,
        port,
        echo,
    })
    .unwrap()
}

/// The suite's password is nowhere but in the config and the rendered file (mode 0600): not
/// in a log record (juju-log, the hook's stdout and stderr, CHARM_TRACE's trace), a status,
/// the unit state file or the status memo.
pub fn assert_no_password(model: &Model, charm_dir: &Path, when: &str) {
    for record in &model.logs {
        assert!(
            !record.message.contains(PASSWORD),
            "{when}: the password in a log: {record:?}"
        );
    }
    for status in model
        .unit_status_history
        .iter()
        .chain(&model.application_status_history)
    {
        assert!(
            !status.message.contains(PASSWORD),
            "{when}: the password in a status"
        );
    }
    for file in [charm_core::STATE_FILE, charm_core::STATUS_MEMO_FILE] {
        let text = std::fs::read_to_string(charm_dir.join(file)).unwrap_or_default();
        assert!(!text.contains(PASSWORD), "{when}: the password in {file}");
    }
    let rendered = charm_dir.join(faults::APP_FILE);
    if let Ok(meta) = std::fs::metadata(&rendered) {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o600,
            "{when}: {}",
            rendered.display()
        );
    }
}

/// The unit state file, if present, is whole JSON of the framework's format.
pub fn assert_state_intact(charm_dir: &Path, when: &str) {
    let path = charm_dir.join(charm_core::STATE_FILE);
    if let Ok(bytes) = std::fs::read(&path) {
        serde_json::from_slice::<charm_core::Snapshot>(&bytes)
            .unwrap_or_else(|e| panic!("{when}: corrupt state file: {e}"));
    }
    let memo = charm_dir.join(charm_core::STATUS_MEMO_FILE);
    if let Ok(bytes) = std::fs::read(&memo) {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .unwrap_or_else(|e| panic!("{when}: corrupt status memo: {e}"));
    }
}

/// No temp file of `write_atomically` is left once a hook has run.
pub fn assert_no_temp_files(charm_dir: &Path, when: &str) {
    let left = temp_files(charm_dir);
    assert!(left.is_empty(), "{when}: temp files left: {left:?}");
}

pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else if e.file_name().to_string_lossy().starts_with(".charm-tmp-") {
                out.push(p);
            }
        }
    }
    out
}

/// A script that runs the charm and SIGKILLs it after `delay`.
pub fn kill_after(dir: &Path, delay: Duration) -> PathBuf {
    script(
        dir,
        "kill-after",
        &format!("exec timeout -s KILL {:.4} {CHARM}\n", delay.as_secs_f64()),
    )
}

/// A script that runs the charm under strace, SIGKILLing it on entry to the `n`th call of
/// `syscall` (which then does not happen).
pub fn kill_at_syscall(dir: &Path, syscall: &str, n: usize) -> PathBuf {
    script(
        dir,
        "kill-at",
        &format!(
            "exec strace -qq -o /dev/null -e trace={syscall} -e inject={syscall}:signal=KILL:when={n} {CHARM}\n"
        ),
    )
}

/// A script that counts the charm's calls of `syscall` into `count_file`.
pub fn count_syscalls(dir: &Path, syscalls: &str, log: &Path) -> PathBuf {
    script(
        dir,
        "count",
        &format!(
            "exec strace -qq -o {} -e trace={syscalls} {CHARM}\n",
            log.display()
        ),
    )
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.new"));
    std::fs::write(&tmp, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Renamed into place: a script being rewritten is never run half-written.
    std::fs::rename(&tmp, &path).unwrap();
    path
}

/// Fails loudly when strace is missing (CI installs it: .ci/run).
pub fn require_strace() {
    let ok = std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "strace is needed by the fault suite (apt-get install strace)"
    );
}

/// A small seeded generator (xorshift64*): runs are reproducible from the printed seed.
pub struct Rng(u64);

impl Rng {
    pub fn seeded() -> Self {
        let seed = std::env::var("FAULTS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("FAULTS_SEED={seed}");
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Runs `hook`; the outcome must be a success.
pub fn ok(runner: &Runner, hook: Hook, when: &str) -> HookOutcome {
    let out = runner.run(hook).unwrap();
    assert!(out.success(), "{when}: {}", out.stderr_text());
    out
}

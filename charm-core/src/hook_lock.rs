//! One hook at a time per unit, and no temp files left behind by killed hooks.
//!
//! Juju runs one hook of a unit at a time, but nothing stops a second `dispatch` started by
//! hand (`juju exec`, `juju ssh`, a local command) from running beside it: both would load
//! the same unit state and the second commit would drop the first one's update. So every
//! hook holds an exclusive `flock` on [`LOCK_FILE`] in the charm directory from before it
//! loads the state until its process ends (the kernel releases it even on SIGKILL). A second
//! hook waits for it, up to `CHARM_HOOK_LOCK_TIMEOUT` seconds (default 30), then fails
//! naming the lock.
//!
//! Once the lock is held no other hook of the unit is writing, so any temp file of
//! [`write_atomically`](crate::write_atomically) still in the charm directory was left by a
//! killed hook: it is removed ([`sweep_temp_files`]).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The lock file, relative to the charm directory.
pub const LOCK_FILE: &str = ".unit-hook.lock";

/// The prefix of [`write_atomically`](crate::write_atomically)'s temp files.
pub(crate) const TEMP_PREFIX: &str = ".charm-tmp-";

/// The default wait for another hook of the unit, in seconds.
pub const DEFAULT_WAIT_SECS: u64 = 30;

/// Held for the whole hook: dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct HookLock {
    _file: File,
}

impl HookLock {
    /// Takes the unit's lock, waiting up to `wait` for a hook that holds it.
    ///
    /// ```
    /// use std::time::Duration;
    /// let dir = tempfile::tempdir().unwrap();
    /// let held = charm_core::HookLock::acquire(dir.path(), Duration::from_secs(1)).unwrap();
    /// let err = charm_core::HookLock::acquire(dir.path(), Duration::from_millis(100)).unwrap_err();
    /// assert!(err.to_string().contains("another hook of this unit is running"), "{err}");
    /// drop(held);
    /// charm_core::HookLock::acquire(dir.path(), Duration::from_millis(100)).unwrap();
    /// ```
    pub fn acquire(charm_dir: &Path, wait: Duration) -> Result<Self> {
        let path = charm_dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|err| Error::io("opening the hook lock", &path, err))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Environment(format!(
                        "another hook of this unit is running (it holds {}); gave up after \
                         waiting {} s (CHARM_HOOK_LOCK_TIMEOUT)",
                        path.display(),
                        wait.as_secs_f64()
                    )));
                }
                Err(std::fs::TryLockError::Error(err)) => {
                    return Err(Error::io("locking", &path, err));
                }
            }
        }
    }
}

/// The wait for the lock from the `CHARM_HOOK_LOCK_TIMEOUT` knob (seconds, `0` = fail at
/// once), or the default.
pub(crate) fn wait_from(settings: &crate::Settings) -> Result<Duration> {
    match settings.get("CHARM_HOOK_LOCK_TIMEOUT") {
        None => Ok(Duration::from_secs(DEFAULT_WAIT_SECS)),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| {
                Error::Environment(format!(
                    "CHARM_HOOK_LOCK_TIMEOUT={text:?}: expected a whole number of seconds"
                ))
            }),
    }
}

/// How deep below the charm directory temp files are looked for (rendered files live in
/// `files/<project>/`, a few levels down).
const SWEEP_DEPTH: usize = 4;
/// At most this many directory entries are looked at, so a huge charm directory costs little.
const SWEEP_BUDGET: usize = 5_000;

/// Removes the temp files killed hooks left in `charm_dir` (and its subdirectories, a few
/// levels down, never through symlinks). Call only with the [`HookLock`] held. Returns the
/// files removed.
///
/// A temp file is `.charm-tmp-` followed by anything, or the `.tmp-` and six characters
/// with mode 0600 that earlier versions of the framework used.
pub fn sweep_temp_files(charm_dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut budget = SWEEP_BUDGET;
    sweep(charm_dir, 0, &mut budget, &mut removed);
    removed
}

fn sweep(dir: &Path, depth: usize, budget: &mut usize, removed: &mut Vec<PathBuf>) {
    use std::os::unix::fs::PermissionsExt;

    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        // `file_type` does not follow symlinks.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            if depth < SWEEP_DEPTH && name != "target" && name != ".git" {
                sweep(&entry.path(), depth + 1, budget, removed);
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let ours = name.starts_with(TEMP_PREFIX)
            || (name.len() == ".tmp-".len() + 6
                && name.starts_with(".tmp-")
                && entry
                    .metadata()
                    .is_ok_and(|m| m.permissions().mode() & 0o777 == 0o600));
        if ours && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn sweeps_only_temp_files_and_never_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files/app");
        std::fs::create_dir_all(&files).unwrap();
        let stale = [
            dir.path().join(".charm-tmp-Ab12Cd"),
            files.join(".charm-tmp-x"),
            dir.path().join(".tmp-Zz9Yy8"),
        ];
        for path in &stale {
            std::fs::write(path, "password: hunter2").unwrap();
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let kept = [
            files.join("docker-compose.yml"),
            dir.path().join(".tmp-readable"),
            dir.path().join(".tmp-Qq1Ww2-but-longer"),
        ];
        for path in &kept {
            std::fs::write(path, "x").unwrap();
        }
        // World-readable: not one of ours.
        let foreign = dir.path().join(".tmp-Pp3Oo4");
        std::fs::write(&foreign, "x").unwrap();
        std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o644)).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let outside = elsewhere.path().join(".charm-tmp-outside");
        std::fs::write(&outside, "x").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("link")).unwrap();

        let mut removed = sweep_temp_files(dir.path());
        removed.sort();
        let mut expected = stale.to_vec();
        expected.sort();
        assert_eq!(removed, expected);
        for path in kept.iter().chain([&foreign, &outside]) {
            assert!(path.exists(), "{} was kept", path.display());
        }
    }

    #[test]
    fn a_bad_wait_names_the_knob() {
        let mut settings = crate::Settings::default();
        settings.set("CHARM_HOOK_LOCK_TIMEOUT", "soon");
        let err = wait_from(&settings).unwrap_err();
        assert!(err.to_string().contains("CHARM_HOOK_LOCK_TIMEOUT"), "{err}");
        settings.set("CHARM_HOOK_LOCK_TIMEOUT", "0");
        assert_eq!(wait_from(&settings).unwrap(), Duration::ZERO);
    }
}

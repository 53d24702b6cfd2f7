//! Typed flag names, and the flag methods of [`Unit`](crate::Unit).
//!
//! No flag name written by a charm author reaches the runtime unchecked. `#[charm]` and
//! `#[layer]` generate a `flags` module in the charm's (or layer's) module with one
//! [`Flag`] constant per name the module may use, and the flag methods of [`Unit`](crate::Unit) accept
//! only those (or a [`DynFlag`] made from a declared [`FlagPattern`]), never a `&str`. A
//! misspelt constant is rustc's own "cannot find value" error, with its "a constant with a
//! similar name exists" suggestion, wherever it is written: in a handler, a helper function
//! outside the module, an `impl` block, a closure, a `const`, an array of flags.
//!
//! A flag's constant is its name upper-cased, with every character that is not a letter or
//! a digit (`.`, `-`) written `_`: `"voting-app.running"` is `flags::VOTING_APP_RUNNING`,
//! `"redis.available"` is `flags::REDIS_AVAILABLE`, `"config.changed.vote_port"` is
//! `flags::CONFIG_CHANGED_VOTE_PORT`. Each constant's documentation shows its name.
//!
//! ```
//! #[charm_core::charm(
//!     metadata = "tests/fixtures/doc/metadata.yaml",
//!     config = "tests/fixtures/doc/config.yaml",
//!     flags("hello.greeted", "hello.worker.*"),
//! )]
//! mod hello {
//!     use charm_core::prelude::*;
//!
//!     #[when_not("hello.greeted")]
//!     fn greet(unit: &mut Unit) -> Result<()> {
//!         unit.flags().set(flags::HELLO_GREETED);
//!         // A flag whose name is known only at run time: only through a declared pattern.
//!         let worker = flags::HELLO_WORKER.with("blue")?;
//!         unit.flags().set(&worker);
//!         assert!(unit.flags().all_set([flags::HELLO_GREETED]) && unit.flags().is_set(&worker));
//!         Ok(())
//!     }
//! }
//! # fn main() {}
//! ```

use crate::error::{Error, Result};

/// A checked flag name: a constant of a generated `flags` module (`flags::APP_RUNNING`).
///
/// It cannot be made from a string: only `#[charm]` and `#[layer]` make them, from names
/// they checked.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     flags("app.running", "app.worker.*"),
///     allow(unread("app.running", "app.worker.*")),
/// )]
/// mod app {
///     #[charm_core::hook("install")]
///     fn install(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
///         unit.flags().set(flags::APP_RUNNING);
///         unit.flags().set(&flags::APP_WORKER.with("blue")?);
///         Ok(())
///     }
/// }
///
/// let running: charm_core::Flag = app::flags::APP_RUNNING;
/// assert_eq!(running.name(), "app.running");
/// assert_eq!(running.to_string(), "app.running");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flag(&'static str);

impl Flag {
    /// Made by the macros only, for names they checked.
    #[doc(hidden)]
    pub const fn __checked(name: &'static str) -> Self {
        Self(name)
    }

    /// The flag's name, e.g. `"app.running"`.
    pub const fn name(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A family of flags whose names are computed at run time, declared in the module's
/// `flags(...)` with one `*`: `flags("worker.*")` generates `flags::WORKER` (the `*` and the
/// dot before it dropped), and `flags::WORKER.with("blue")` is the flag `worker.blue`.
/// This is the only way to name a flag at run time.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     flags("app.running", "app.worker.*"),
///     allow(unread("app.running", "app.worker.*")),
/// )]
/// mod app {
///     #[charm_core::hook("install")]
///     fn install(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
///         unit.flags().set(flags::APP_RUNNING);
///         unit.flags().set(&flags::APP_WORKER.with("blue")?);
///         Ok(())
///     }
/// }
///
/// let worker = app::flags::APP_WORKER;
/// assert_eq!(worker.pattern(), "app.worker.*");
/// assert_eq!(worker.with("blue").unwrap().name(), "app.worker.blue");
/// assert!(worker.matches("app.worker.green") && !worker.matches("app.worker."));
/// assert!(worker.with("two words").is_err(), "not one flag name");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlagPattern {
    prefix: &'static str,
    suffix: &'static str,
}

impl FlagPattern {
    /// Made by the macros only, for patterns they checked.
    #[doc(hidden)]
    pub const fn __checked(prefix: &'static str, suffix: &'static str) -> Self {
        Self { prefix, suffix }
    }

    /// The pattern as declared, e.g. `"worker.*"`.
    pub fn pattern(&self) -> String {
        format!("{}*{}", self.prefix, self.suffix)
    }

    /// The flag of this family for `part` (what replaces the `*`). An empty `part`, or one
    /// with white space or control characters, is an error naming it: it would not make a
    /// flag name of the pattern.
    pub fn with(&self, part: &str) -> Result<DynFlag> {
        if part.is_empty() || part.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::msg(format!(
                "{part:?} cannot stand for `*` in flag pattern `{}`: it must be non-empty, \
                 without spaces or control characters",
                self.pattern()
            )));
        }
        Ok(DynFlag(format!("{}{part}{}", self.prefix, self.suffix)))
    }

    /// Whether `name` is a flag of this family.
    pub fn matches(&self, name: &str) -> bool {
        name.len() > self.prefix.len() + self.suffix.len()
            && name.starts_with(self.prefix)
            && name.ends_with(self.suffix)
    }
}

/// A flag of a declared [`FlagPattern`], made at run time with [`FlagPattern::with`].
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
///     flags("app.running", "app.worker.*"),
///     allow(unread("app.running", "app.worker.*")),
/// )]
/// mod app {
///     #[charm_core::hook("install")]
///     fn install(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
///         unit.flags().set(flags::APP_RUNNING);
///         unit.flags().set(&flags::APP_WORKER.with("blue")?);
///         Ok(())
///     }
/// }
///
/// let flag: charm_core::DynFlag = app::flags::APP_WORKER.with("blue").unwrap();
/// assert_eq!(flag.name(), "app.worker.blue");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DynFlag(String);

impl DynFlag {
    /// The flag's name, e.g. `"worker.blue"`.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DynFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Flag {}
    impl Sealed for &super::Flag {}
    impl Sealed for &super::DynFlag {}
}

/// What the flag methods accept: a [`Flag`] constant, or a `&`[`DynFlag`]. Sealed: a string
/// is not a flag.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a checked flag name",
    label = "expected a constant of the generated `flags` module",
    note = "flags are typed: write `flags::APP_RUNNING` for \"app.running\" (the name upper-cased, \
            `.` and `-` as `_`), or `&flags::WORKER.with(part)?` for a flag of a pattern \
            declared as `flags(\"worker.*\")`"
)]
/// ```
/// use charm_core::flag::FlagName;
/// /// A helper that takes any checked flag, as `unit.flags().set` does.
/// fn describe(flag: impl FlagName) -> String {
///     format!("flag `{}`", flag.flag_name())
/// }
/// # #[charm_core::charm(metadata = "tests/fixtures/doc/metadata.yaml", config = "tests/fixtures/doc/config.yaml",
/// #     flags("app.running"), allow(unread("app.running")))]
/// # mod app {
/// #     #[charm_core::hook("install")]
/// #     fn i(unit: &mut charm_core::Unit) -> charm_core::Result<()> { unit.flags().set(flags::APP_RUNNING); Ok(()) }
/// # }
/// assert_eq!(describe(app::flags::APP_RUNNING), "flag `app.running`");
/// // describe("app.running") does not compile: a string is not a flag.
/// ```
pub trait FlagName: sealed::Sealed {
    /// The flag's name.
    fn flag_name(&self) -> &str;
}

impl FlagName for Flag {
    fn flag_name(&self) -> &str {
        self.0
    }
}

impl FlagName for &Flag {
    fn flag_name(&self) -> &str {
        self.0
    }
}

impl FlagName for &DynFlag {
    fn flag_name(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKER: FlagPattern = FlagPattern::__checked("worker.", "");
    const MIDDLE: FlagPattern = FlagPattern::__checked("job.", ".done");

    #[test]
    fn a_pattern_makes_only_flags_of_its_own_shape() {
        assert_eq!(WORKER.with("blue").unwrap().name(), "worker.blue");
        assert_eq!(MIDDLE.with("7").unwrap().name(), "job.7.done");
        assert_eq!(MIDDLE.pattern(), "job.*.done");
        for bad in ["", "two words", "tab\there", "nl\n"] {
            let err = WORKER.with(bad).unwrap_err().to_string();
            assert!(
                err.contains("worker.*") && err.contains(&format!("{bad:?}")),
                "{err}"
            );
        }
        assert!(MIDDLE.matches("job.7.done") && !MIDDLE.matches("job..done"));
        assert!(!WORKER.matches("worker.") && !WORKER.matches("workers.x"));
    }

    #[test]
    fn typed_names_name_their_flag() {
        const RUNNING: Flag = Flag::__checked("app.running");
        assert_eq!(
            (RUNNING.name(), RUNNING.to_string()),
            ("app.running", "app.running".into())
        );
        fn name_of(flag: impl FlagName) -> String {
            flag.flag_name().to_owned()
        }
        let by_ref: &Flag = &RUNNING;
        assert_eq!(
            (name_of(RUNNING), name_of(by_ref)),
            ("app.running".into(), "app.running".into())
        );
        assert_eq!(name_of(&WORKER.with("x").unwrap()), "worker.x");
    }
}

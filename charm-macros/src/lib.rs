//! Attribute macros of the Rust charm framework. Use them through `charm_core`
//! (`charm_core::charm`, `charm_core::when`, ... and `charm_core::prelude::*`).
//!
//! The crate works in three stages: `parse` reads the attribute arguments, the handlers of
//! the module and the flag literals in their bodies; `validate` checks everything against
//! the charm's metadata.yaml / config.yaml and collects every error at once, each on the
//! user's own tokens, with the fix named; `expand` generates the registry, the typed config
//! and the parameter-injecting shims. Generated code reaches the runtime only through
//! `::charm_core::__private`. On errors, the module is still emitted with its items and
//! the registry of its valid handlers, so one mistake does not cascade into others.
//!
//! # Examples are compiled elsewhere
//!
//! A proc-macro crate cannot run its own macros in doc tests, so the examples below are
//! marked `ignore`. Each one is compiled **and run** by the `ui-tests` crate:
//! `ui-tests/tests/pass/doc_examples.rs` holds them verbatim (with the fixture paths of that
//! crate), and `ui-tests/tests/ui/**` shows the compile error of every mistake the macros
//! catch.
//!
//! # What is a handler
//!
//! A function of a `#[charm]` or `#[layer]` module is a handler when it carries at least
//! one handler attribute ([`macro@when`], [`macro@when_all`], [`macro@when_not`],
//! [`macro@when_none`], [`macro@when_any`], [`macro@when_not_all`], [`macro@hook`],
//! [`macro@only_once`], [`macro@when_file_changed`]). Stacked attributes AND together and
//! make one handler. A function without any is a plain helper: it is never registered, so
//! a "handler without a condition" cannot be written by mistake; a handler that should run
//! in some hooks says so with `#[hook(...)]`, one that should run once with `#[only_once]`.
//!
//! A handler is `fn name(unit: &mut Unit, <endpoints>...) -> Result<()>`: after `unit`
//! come the endpoints its `#[when]` flags name (`"redis.available"` names endpoint
//! `redis`), in flag order, each typed by its interface (`Redis`, `Postgres`, `Http`, or the
//! untyped `Endpoint`), by value or by `&`.

mod expand;
mod files;
mod parse;
mod suggest;
mod validate;

use proc_macro::TokenStream;

/// Turns an inline module into a charm: a compile-time registry of its handlers (`CHARM`),
/// a typed `Config` from config.yaml, and checks of every flag, config key, endpoint, hook
/// name and handler signature.
///
/// # Arguments (all optional)
///
/// - `metadata = "metadata.yaml"`, `config = "config.yaml"`: paths relative to the crate
///   root, else to the file holding the attribute. Without `metadata`, `metadata.yaml` in
///   the crate root is read; without `config`, `config.yaml` if it exists. Cargo rebuilds
///   the charm when either file changes.
/// - `flags("app.running", ...)`: the charm's own flags, declared once here. Every flag a
///   condition, a trigger or a `unit.set_flag("...")`-style call in the module names must
///   be declared here, by a layer, or raised by the framework: `config.changed`,
///   `config.{changed,set,default}.<option>` for each option of config.yaml,
///   `endpoint.<ep>.{joined,changed,changed.<key>,departed}` for each endpoint of
///   metadata.yaml, and the interface flags (`<ep>.connected` / `<ep>.available` for
///   `redis`, `<ep>.connected` / `<ep>.database.available` for `pgsql`, `<ep>.available`
///   for `http`).
/// - `layers(path::to::layer, ...)`: layers whose handlers register before the charm's.
///   Paths resolve inside the module, like a `use` there: write `crate::base` or
///   `super::base` for a layer of the same crate, `charm_core::docker` for the built-in one.
/// - `trigger(when = "a", set = "b")`, `trigger(when_not = "a", clear = "c")`: flag changes
///   applied synchronously inside the `set_flag` / `clear_flag` that fires them.
///
/// # Example
///
/// ```ignore
/// #[charm_core::charm(
///     metadata = "metadata.yaml",
///     config = "config.yaml",
///     flags("app.configured", "app.running"),
/// )]
/// mod voting {
///     use charm_core::prelude::*;
///
///     #[when_not("app.configured")]
///     fn configure(unit: &mut Unit) -> Result<()> {
///         let config = unit.config()?; // typed: `config.vote_image: String`
///         unit.status_maintenance(format!("pulling {}", config.vote_image))?;
///         unit.set_flag("app.configured");
///         Ok(())
///     }
///
///     // Receives `redis` then `postgres`: the order its flags name them.
///     #[when("app.configured", "redis.available", "postgres.database.available")]
///     #[when_not("app.running")]
///     fn start(unit: &mut Unit, redis: Redis, db: &Postgres) -> Result<()> {
///         let port = unit.config()?.vote_port; // i64, from `type: int`
///         let user = db.credentials().map(|c| c.user.clone()).unwrap_or_default();
///         unit.open_port(port as u16);
///         unit.status_active(format!("redis {} db user {user}", redis.host_list()))?;
///         unit.set_flag("app.running");
///         Ok(())
///     }
/// }
///
/// fn main() -> std::process::ExitCode {
///     voting::CHARM.main()
/// }
/// ```
///
/// # What it expands to
///
/// The module with the handler attributes removed and, appended to it (paths shortened
/// from `::charm_core::__private::...`):
///
/// ```ignore
/// mod voting {
///     use charm_core::prelude::*;
///     fn configure(unit: &mut Unit) -> Result<()> { /* unchanged */ }
///     fn start(unit: &mut Unit, redis: Redis, db: &Postgres) -> Result<()> { /* unchanged */ }
///
///     // One shim per handler: fetches the endpoints, calls the handler.
///     #[doc(hidden)]
///     fn __charm_handler_start(unit: &mut Unit) -> Result<()> {
///         let __endpoint_0: Redis = endpoint::<Redis>(unit, "redis")?;
///         let __endpoint_1: Postgres = endpoint::<Postgres>(unit, "postgres")?;
///         Result::map_err(start(unit, __endpoint_0, &__endpoint_1), Into::into)
///     }
///     // (`__charm_handler_configure` likewise, without endpoints.)
///
///     #[doc(hidden)]
///     static __CHARM_HANDLERS: [HandlerDef; 2] = [
///         HandlerDef {
///             name: concat!(module_path!(), "::configure"),
///             conditions: &[Cond::None(&["app.configured"])],
///             call: __charm_handler_configure,
///         },
///         HandlerDef {
///             name: concat!(module_path!(), "::start"),
///             conditions: &[
///                 Cond::All(&["app.configured", "redis.available", "postgres.database.available"]),
///                 Cond::None(&["app.running"]),
///             ],
///             call: __charm_handler_start,
///         },
///     ];
///
///     /// The charm's config, typed from config.yaml.
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct Config {
///         /// Image of the vote front end. Default: `"docker/example-voting-app-vote:latest"`.
///         pub vote_image: String,
///         /// Port of the vote front end. Default: `5000`.
///         pub vote_port: i64,
///         // ... one field per option; `Option<T>` for options without a default.
///     }
///     impl TypedConfig for Config { /* reads each field, naming the key on error */ }
///
///     /// `unit.config()` and `unit.previous_config()`, typed for this charm.
///     pub trait UnitConfig {
///         fn config(&self) -> Result<Config>;
///         fn previous_config(&self) -> Option<Config>;
///     }
///     impl UnitConfig for Unit { /* ... */ }
///
///     /// The charm: its handlers in registration order, its layers, endpoints and config.
///     pub static CHARM: Charm = Charm {
///         name: "voting-app",
///         layer: Layer {
///             name: module_path!(),
///             flags: &["app.configured", "app.running"],
///             handlers: &__CHARM_HANDLERS,
///             triggers: &[],
///             layers: &[],
///         },
///         endpoints: &[EndpointDef { name: "results", role: Role::Provides, interface: "http" }, /* ... */],
///         config: &[ConfigOptionDef { name: "vote_image", kind: OptionType::String, default: Some("\"...\"") }, /* ... */],
///     };
///
///     // Makes Cargo rebuild the charm when its YAML changes.
///     const _: &[u8] = include_bytes!("/abs/path/to/metadata.yaml");
///     const _: &[u8] = include_bytes!("/abs/path/to/config.yaml");
/// }
/// ```
///
/// A flag the macro cannot see (one of a layer in another module or crate) is checked by a
/// `const` assertion against the layers' `flags(...)`, spanned to the flag's literal.
#[proc_macro_attribute]
pub fn charm(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::module(parse::Kind::Charm, args.into(), item.into()).into()
}

/// Turns an inline module into a layer: handlers, flags and triggers that charms include
/// with `layers(path::to::module)`. Generates `pub static LAYER: charm_core::Layer`.
///
/// Arguments: `flags(...)` it declares, `layers(...)` it builds on, `trigger(...)` (as in
/// [`macro@charm`]). A layer has no metadata.yaml or config.yaml of its own: every flag it
/// names must be declared in its `flags(...)` or by a layer it builds on, and its hook
/// patterns are not checked against endpoints (the charm's metadata decides those).
///
/// # Example
///
/// ```ignore
/// #[charm_core::layer(flags("base.ready"))]
/// mod base {
///     use charm_core::prelude::*;
///
///     #[when_not("base.ready")]
///     fn prepare(unit: &mut Unit) -> Result<()> {
///         unit.set_flag("base.ready");
///         Ok(())
///     }
/// }
///
/// #[charm_core::charm(
///     metadata = "metadata.yaml",
///     config = "config.yaml",
///     flags("app.running", "app.stale"),
///     layers(super::base),
///     trigger(when = "app.running", clear = "app.stale"),
/// )]
/// mod voting {
///     use charm_core::prelude::*;
///
///     #[only_once]
///     fn mark_stale(unit: &mut Unit) -> Result<()> {
///         unit.set_flag("app.stale");
///         Ok(())
///     }
///
///     // `base.ready` is the layer's: checked against `base::LAYER.flags` at compile time.
///     #[when("base.ready", "app.stale")]
///     #[when_not("app.running")]
///     fn start(unit: &mut Unit) -> Result<()> {
///         unit.set_flag("app.running"); // the trigger clears `app.stale` right here
///         Ok(())
///     }
/// }
/// ```
///
/// # What it expands to
///
/// Like [`macro@charm`] without `Config`, `UnitConfig` and `CHARM`:
///
/// ```ignore
/// mod base {
///     use charm_core::prelude::*;
///     fn prepare(unit: &mut Unit) -> Result<()> { /* unchanged */ }
///
///     #[doc(hidden)]
///     fn __charm_handler_prepare(unit: &mut Unit) -> Result<()> {
///         Result::map_err(prepare(unit), Into::into)
///     }
///     #[doc(hidden)]
///     static __CHARM_HANDLERS: [HandlerDef; 1] = [HandlerDef {
///         name: concat!(module_path!(), "::prepare"),
///         conditions: &[Cond::None(&["base.ready"])],
///         call: __charm_handler_prepare,
///     }];
///     /// The layer: its handlers, flags and triggers, for `layers(...)` of a charm.
///     pub static LAYER: Layer = Layer {
///         name: module_path!(),
///         flags: &["base.ready"],
///         handlers: &__CHARM_HANDLERS,
///         triggers: &[],
///         layers: &[],
///     };
/// }
/// ```
#[proc_macro_attribute]
pub fn layer(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::module(parse::Kind::Layer, args.into(), item.into()).into()
}

macro_rules! handler_attributes {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        ///
        /// # Only inside a module
        ///
        /// The enclosing `#[charm]` or `#[layer]` reads this attribute and removes it; what
        /// it expands to is one `Cond` in the handler's entry of the registry (see
        /// [`macro@charm`]). Anywhere else it expands to the function unchanged plus a
        /// compile error on the function's name, because the handler would be in no
        /// registry and never run.
        #[proc_macro_attribute]
        pub fn $name(_args: TokenStream, item: TokenStream) -> TokenStream {
            expand::stray(stringify!($name), item.into()).into()
        }
    )*};
}

handler_attributes! {
    /// Runs the handler when every flag is set (same as [`macro@when_all`]). The endpoints
    /// these flags name are the handler's parameters after `unit`, in flag order.
    ///
    /// ```ignore
    /// #[when("app.configured", "redis.available")]
    /// fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
    ///     unit.status_active(format!("redis at {}", redis.host_list()))
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::All(&["app.configured", "redis.available"])`.
    when,
    /// Runs the handler when every flag is set; the same as [`macro@when`].
    ///
    /// ```ignore
    /// #[when_all("app.configured", "config.changed.vote_port")]
    /// fn reopen(unit: &mut Unit) -> Result<()> {
    ///     let port = unit.config()?.vote_port;
    ///     unit.set_ports([Port::Tcp(port as u16)]);
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::All(&["app.configured", "config.changed.vote_port"])`.
    when_all,
    /// Runs the handler when no flag is set (same as [`macro@when_none`]). A flag both in
    /// `#[when]` and `#[when_not]` of one handler is a compile error: it could never run.
    ///
    /// ```ignore
    /// #[when_not("app.configured")]
    /// fn configure(unit: &mut Unit) -> Result<()> {
    ///     unit.set_flag("app.configured");
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::None(&["app.configured"])`.
    when_not,
    /// Runs the handler when no flag is set; the same as [`macro@when_not`].
    ///
    /// ```ignore
    /// #[when_none("redis.available", "app.running")]
    /// fn wait(unit: &mut Unit) -> Result<()> {
    ///     unit.status_waiting("waiting for redis")
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::None(&["redis.available", "app.running"])`.
    when_none,
    /// Runs the handler when at least one flag is set.
    ///
    /// ```ignore
    /// #[when_any("config.changed.vote_image", "config.changed.vote_port")]
    /// fn restart(unit: &mut Unit) -> Result<()> {
    ///     unit.clear_flag("app.running");
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::Any(&["config.changed.vote_image", "config.changed.vote_port"])`.
    when_any,
    /// Runs the handler when at least one flag is not set.
    ///
    /// ```ignore
    /// #[when_not_all("redis.available", "postgres.database.available")]
    /// fn blocked(unit: &mut Unit) -> Result<()> {
    ///     unit.status_blocked("relate redis and postgres")
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::NotAll(&["redis.available", "postgres.database.available"])`.
    when_not_all,
    /// Runs the handler in the hooks phase when the hook matches one of the patterns:
    /// `{a,b}` alternatives, `{requires:redis}` expands to the endpoints of that role and
    /// interface. Every name a pattern can produce must be a hook Juju runs for this charm.
    /// Cannot be combined with flag conditions (hook handlers run before flag handlers);
    /// list every pattern in one `#[hook(...)]`.
    ///
    /// ```ignore
    /// #[hook("{install,upgrade-charm}")]
    /// fn install(unit: &mut Unit) -> Result<()> {
    ///     unit.set_flag("app.installed");
    ///     Ok(())
    /// }
    ///
    /// #[hook("{requires:redis}-relation-{joined,changed}")]
    /// fn redis_changed(unit: &mut Unit) -> Result<()> {
    ///     unit.log(LogLevel::Info, "redis changed");
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::Hook(&["{install,upgrade-charm}"])`.
    hook,
    /// Runs the handler at most once in the unit's life (persisted, committed with the
    /// hook). Alone, it makes a handler that runs on the first hook.
    ///
    /// ```ignore
    /// #[when("app.installed")]
    /// #[only_once]
    /// fn render(unit: &mut Unit) -> Result<()> {
    ///     std::fs::write(unit.charm_path("app.env"), "VOTE_PORT=5000\n")
    ///         .map_err(|e| Error::Message(e.to_string()))
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::OnlyOnce`.
    only_once,
    /// Runs the handler when a file of the charm differs from the content this handler last
    /// ran with (a missing file has no content; the hash is recorded when the handler runs).
    /// Paths are relative to the charm directory; absolute paths and `..` are compile errors.
    ///
    /// ```ignore
    /// #[when_file_changed("app.env")]
    /// fn reload(unit: &mut Unit) -> Result<()> {
    ///     unit.set_flag("app.reload");
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::FileChanged(&["app.env"])`.
    when_file_changed,
}

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
//! ```ignore
//! #[when("app.configured", "redis.available")]
//! fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
//!     unit.status().active(format!("redis at {}", redis.host_list()))
//! }
//! ```
//!
//! # Examples are compiled elsewhere
//!
//! A proc-macro crate cannot run its own macros in doc tests, so the examples below are
//! marked `ignore`. Each one is compiled **and run** by the `ui-tests` crate:
//! `ui-tests/tests/pass/doc_example_*.rs` hold them verbatim (with the fixture paths of that
//! crate; the `doc-check` test fails when an example's lines are not there), and
//! `ui-tests/tests/ui/**` shows the compile error of every mistake the macros catch.
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
//!
//! A handler that needs nothing from the hook may take no parameter at all: `fn tick() ->
//! Result<()>`.
//!
//! # Config: from config.yaml keys to `Config` fields
//!
//! Each option of config.yaml becomes one field of the generated `Config`:
//!
//! - the key with every `-` replaced by `_` (`vote-port` -> `vote_port`); a key starting
//!   with a digit gets a leading `_` (`2fa` -> `_2fa`); a key that is a Rust keyword is a
//!   raw identifier (`type` -> `r#type`);
//! - typed by the option's `type`: `string` and `secret` -> `String`, `int` -> `i64`,
//!   `float` -> `f64`, `boolean` -> `bool`; an option without a default is `Option<T>`.
//!
//! Juju's `int` is 64-bit: convert it with `u16::try_from(config.vote_port)` (or `u32::`,
//! ...) and handle the error, **never** with `as u16`, which silently wraps (70000 becomes
//! 4464). Flags keep the key as written: `config.changed.vote-port`.

mod actions;
mod charmcraft;
mod crate_scan;
mod expand;
mod files;
mod graph;
mod interface;
mod logic;
mod names;
mod parse;
mod suggest;
mod template;
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
/// - `flags("app.running", "app.worker.*", ...)`: the charm's own flags, declared once here
///   (a name with one `*` declares a pattern, for flags named at run time). Every flag a
///   condition or a trigger names must be declared here, by a layer, or raised by the
///   framework: `config.changed`,
///   `config.{changed,set,default}.<option>` for each option of config.yaml,
///   `endpoint.<ep>.{joined,changed,changed.<key>,departed}` for each endpoint of
///   metadata.yaml, and the interface flags (`<ep>.connected` / `<ep>.available` for
///   `redis`, `<ep>.connected` / `<ep>.database.available` for `pgsql`, `<ep>.available`
///   for `http`), and those a registered interface type declares.
/// - `interfaces(mysql = my_crate::Mysql, ...)`: the type serving each interface of
///   metadata.yaml that charm-core does not (declared with [`macro@interface`]); a path
///   that resolves anywhere in the crate. Its endpoints are typed `EndpointName<Mysql>`,
///   and the flags and `changed.<key>` it declares are checked at compile time (in const
///   code: the macro cannot see another crate's items). `redis`, `pgsql` and `http` are
///   registered to charm-core's types by default; naming one here replaces it.
/// - `layers(path::to::layer, ...)`: layers whose handlers register before the charm's.
///   Paths resolve inside the module, like a `use` there: write `crate::base` or
///   `super::base` for a layer of the same crate, `charm_core::docker` for the built-in one.
/// - `trigger(when = "a", set = "b")`, `trigger(when_not = "a", clear = "c")`: flag changes
///   applied synchronously inside the `unit.flags().set` / `.clear` that fires them.
/// - `allow(never_set("flag", ...), unread("flag", ...), cycle)`: opt-outs of the flag
///   graph's checks (below), for a flag set from outside (a test harness) or kept for
///   others to see, or a cycle made on purpose.
///
/// # The flag graph
///
/// The macro reads what each handler sets and clears (`set_flag(flags::X)`,
/// `clear_flag`, `toggle_flag`, `set_flag_value`, and `unit.flags().set/clear/toggle/
/// set_value`, through locals and the module's functions it calls; [`macro@sets`] /
/// [`macro@clears`] for the rest), records it in the registry (`HandlerDef::sets`,
/// `clears`) and rejects: a handler waiting (`when`, `when_any`) for a flag that no other
/// handler, trigger, layer or the framework sets; a flag of the charm's `flags(...)` that is
/// set but that no condition, trigger or code of the module reads; a cycle of handlers that
/// wake each other with nothing (`only_once`, a flag set for good, a flag the cycle never
/// touches) to stop it. A layer's flags are checked in const code against what its
/// registry says it sets.
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
///         unit.status().maintenance(format!("pulling {}", config.vote_image))?;
///         unit.flags().set(flags::APP_CONFIGURED);
///         Ok(())
///     }
///
///     // Receives `redis` then `postgres`: the order its flags name them.
///     #[when("app.configured", "redis.available", "postgres.database.available")]
///     #[when_not("app.running")]
///     fn start(unit: &mut Unit, redis: Redis, db: &Postgres) -> Result<()> {
///         // `vote_port` is an i64 (`type: int`): `try_from`, never `as u16`
///         // (70000 would silently become 4464).
///         let port = u16::try_from(unit.config()?.vote_port)
///             .map_err(|_| Error::msg("vote_port is not a TCP port"))?;
///         let user = db.credentials().map(|c| c.user.clone()).unwrap_or_default();
///         unit.ports().open(port);
///         let hosts = redis.host_list();
///         unit.status().active(format!("redis {hosts} db user {user}"))?;
///         unit.flags().set(flags::APP_RUNNING);
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
///             sets: &["app.configured"],
///             clears: &[],
///             call: __charm_handler_configure,
///         },
///         HandlerDef {
///             name: concat!(module_path!(), "::start"),
///             conditions: &[
///                 Cond::All(&["app.configured", "redis.available", "postgres.database.available"]),
///                 Cond::None(&["app.running"]),
///             ],
///             sets: &["app.running"],
///             clears: &[],
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
///         endpoints: &[EndpointDef { name: "results", role: Role::Provides, interface: "http",
///                                    kind: &<Http as Interface>::DEF }, /* ... */],
///         config: &[ConfigOptionDef { name: "vote_image", kind: OptionType::String, default: Some("\"...\"") }, /* ... */],
///         leader: &[],
///     };
///
///     // Makes Cargo rebuild the charm when its YAML changes.
///     const _: &[u8] = include_bytes!("/abs/path/to/metadata.yaml");
///     const _: &[u8] = include_bytes!("/abs/path/to/config.yaml");
///
///     /// Typed flags: every name this module may use, and its layers' (re-exported).
///     pub mod flags {
///         pub use super::__charm_layer_flags_0::*; // one per layer of `layers(...)`
///         /// The flag `app.configured`.
///         pub const APP_CONFIGURED: Flag = Flag::__checked("app.configured");
///         pub const CONFIG_CHANGED_VOTE_PORT: Flag = Flag::__checked("config.changed.vote_port");
///         pub const REDIS_AVAILABLE: Flag = Flag::__checked("redis.available");
///         // ... `flags("app.worker.*")` would give `APP_WORKER: FlagPattern`.
///     }
///     /// The endpoints of metadata.yaml, typed by their interface.
///     pub mod endpoints {
///         pub const REDIS: EndpointName<Redis> = EndpointName::__checked("redis");
///         pub const POSTGRES: EndpointName<Postgres> = EndpointName::__checked("postgres");
///         // ...
///     }
/// }
/// ```
///
/// # Typed names in code
///
/// The flag and endpoint methods of `Unit` take only the generated constants (never a
/// string), so a name written anywhere in the crate is checked by rustc's name resolution:
/// `flags::APP_RUNING` is "cannot find value `APP_RUNING` in module `flags`" with "a
/// constant with a similar name exists". A constant is the flag's name upper-cased with every
/// other character than letters and digits written `_`; two flags that would give the same
/// constant are a compile error. A module of the charm cannot itself define items named
/// `flags` or `endpoints`.
///
/// A flag the macro cannot see in a condition (one of a layer in another module or crate) is
/// checked by a `const` evaluation against the layers' `flags(...)`, spanned to the flag's
/// literal, with the nearest declared flag as a suggestion.
#[proc_macro_attribute]
pub fn charm(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::module(parse::Kind::Charm, args.into(), item.into()).into()
}

/// Turns an inline module into a layer: handlers, flags and triggers that charms include
/// with `layers(path::to::module)`. Generates `pub static LAYER: charm_core::Layer` and a
/// `pub mod flags` of its typed flags (with those of the layers it builds on), which the
/// charms that include it re-export in their own `flags`.
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
///         unit.flags().set(flags::BASE_READY);
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
///         unit.flags().set(flags::APP_STALE);
///         Ok(())
///     }
///
///     // `base.ready` is the layer's: checked against `base::LAYER.flags`
///     // at compile time.
///     #[when("base.ready", "app.stale")]
///     #[when_not("app.running")]
///     fn start(unit: &mut Unit) -> Result<()> {
///         // The trigger clears `app.stale` right here.
///         unit.flags().set(flags::APP_RUNNING);
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
///         sets: &["base.ready"],
///         clears: &[],
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

/// A template of a file the charm writes: `askama::Template` with the escaper fixed by the
/// file's format, so no config or relation value can change the file's structure.
///
/// - `.yml` / `.yaml` (compose files): every `{{ value }}` is written as one double-quoted
///   YAML scalar (`charm_core::render::Yaml`); write it unquoted in the template.
/// - `.env`: every `{{ value }}` is one double-quoted .env value
///   (`charm_core::render::DotEnv`): a newline in a value cannot add a variable.
///
/// Raw output does not compile in these formats: `|safe`, `|json`, `|escape("...")` and
/// `{% filter safe %}` are errors on the `path` (or `source`) literal, naming the template
/// line. Integers have their own filter, `|int`, which accepts only integer types and writes
/// their digits bare (`"{{ port|int }}:80"`); a `String` through `|int` is a type error.
///
/// Arguments are askama's (`path = "..."` in the crate's `templates/`, or
/// `source = "...", ext = "yml"`), except `escape`, `config` and `askama`, which this
/// attribute decides. A charm's `askama.toml` is not read. The struct implements
/// `askama::Template`, `charm_core::render::SafeTemplate` and, for YAML,
/// `charm_core::render::YamlTemplate`, which `Unit::compose_converge` requires.
///
/// ```ignore
/// #[charm_core::template(path = "docker-compose.yml")]
/// struct Compose<'a> {
///     image: &'a str,
///     port: u16,
/// }
/// // templates/docker-compose.yml:
/// //   services:
/// //     app:
/// //       image: {{ image }}
/// //       ports:
/// //         - "{{ port|int }}:80"
/// ```
///
/// A template written inline, rendered with `charm_core::render::render`: the value that
/// tries to add a key stays one quoted scalar.
///
/// ```ignore
/// #[charm_core::template(source = "image: {{ image }}\nport: {{ port|int }}\n", ext = "yml")]
/// struct Service<'a> {
///     image: &'a str,
///     port: u16,
/// }
/// ```
#[proc_macro_attribute]
pub fn template(args: TokenStream, item: TokenStream) -> TokenStream {
    template::template(args.into(), item.into()).into()
}

/// Declares a relation interface on its `impl charm_core::Interface for T` block: the name
/// metadata.yaml gives it, and per role (`requires`, `provides`, `peers`) the flags it
/// raises on `<endpoint>.<flag>` and the remote keys the other side publishes (what
/// `endpoint.<name>.changed.<key>` may name; without `keys(...)` any key goes). Flags and
/// keys are identifiers or strings (`"database.available"`, `"allowed-units"`).
///
/// The impl then writes `from_endpoint` (the typed view, validating untrusted remote data)
/// and `is_set` (which declared flags hold). A charm registers the type with
/// `#[charm(interfaces(mysql = my_crate::Mysql))]`; its endpoints of that interface are then
/// typed `EndpointName<Mysql>`, its flags and `changed.<key>` checked at compile time, and
/// both are typed constants of the charm's `flags` module (`flags::DB_AVAILABLE`). The
/// declaration reaches the charm through a hidden macro beside the type, so a type of the
/// charm's own crate is registered with a `crate::` path. (Compiled as the example of `charm_core::Interface`: this crate cannot use charm-core.)
///
/// ```ignore
/// use charm_core::{Endpoint, Interface, interfaces::FlagContext};
/// pub struct Echo { joined: bool }
///
/// #[charm_core::interface(name = "echo", requires(flags(ready), keys(greeting)))]
/// impl Interface for Echo {
///     fn from_endpoint(endpoint: &Endpoint, _: &mut Vec<String>) -> Self {
///         Echo { joined: endpoint.is_joined() }
///     }
///     fn is_set(&self, _flag: &str, _: &mut FlagContext<'_>) -> bool {
///         self.joined
///     }
/// }
/// assert_eq!(Echo::REQUIRES.keys, Some(&["greeting"][..]));
/// ```
#[proc_macro_attribute]
pub fn interface(args: TokenStream, item: TokenStream) -> TokenStream {
    interface::interface(args.into(), item.into()).into()
}

/// The typed flag constants of a registered interface, for a charm's `flags` module: called
/// by the macro `#[interface]` writes beside the type (its declaration), never by hand.
#[doc(hidden)]
#[proc_macro]
pub fn __interface_consts(input: TokenStream) -> TokenStream {
    interface::interface_consts(input.into()).into()
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
    ///     unit.status().active(format!("redis at {}", redis.host_list()))
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
    ///     let port = u16::try_from(unit.config()?.vote_port)
    ///         .map_err(|_| Error::msg("vote_port is not a TCP port"))?;
    ///     unit.ports().set([Port::Tcp(port)]);
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
    ///     unit.flags().set(flags::APP_CONFIGURED);
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
    ///     unit.status().waiting("waiting for redis")
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
    ///     unit.flags().clear(flags::APP_RUNNING);
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
    ///     unit.status().blocked("relate redis and postgres")
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
    ///     unit.flags().set(flags::APP_INSTALLED);
    ///     Ok(())
    /// }
    ///
    /// #[hook("{requires:redis}-relation-{joined,changed}")]
    /// fn redis_changed(unit: &mut Unit) -> Result<()> {
    ///     unit.log().info("redis changed");
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
    ///     unit.flags().set(flags::APP_RELOAD);
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::FileChanged(&["app.env"])`.
    when_file_changed,
    /// The handler of an action of actions.yaml (or charmcraft.yaml's `actions:`). It takes
    /// the unit and, optionally, the action's typed parameters from the generated `actions`
    /// module (`actions::DumpDb` for `dump-db`: one field per parameter, typed by its JSON
    /// schema, `Option` unless required or defaulted). An unknown action is a compile error
    /// with the nearest declared name; an unknown parameter is rustc's "no field" error.
    /// During an action only its handler runs (see charm-core's `facets::Action`).
    ///
    /// ```ignore
    /// #[action("dump-db")]
    /// fn dump(unit: &mut Unit, params: actions::DumpDb) -> Result<()> {
    ///     unit.action().set("path", format!("/tmp/dump.{}", params.format))?;
    ///     Ok(())
    /// }
    /// ```
    ///
    /// Registry entry: `Cond::Action("dump-db")`.
    action,
}

/// Declares flags a handler sets where its body does not show them (a flag through a
/// closure's or a function's parameter, a function outside the module that sets it):
/// `#[sets("app.ready")]`. The flag graph reads `set_flag(flags::X)` & co. itself (also
/// through a `let x = flags::X;` and the module's functions the handler calls); a
/// declaration may only add what it cannot see, and a handler whose every flag call names
/// its flag cannot declare more.
///
/// ```ignore
/// #[when_not("app.ready")]
/// #[sets("app.ready")]
/// fn ready(unit: &mut Unit) -> Result<()> {
///     let set = |unit: &mut Unit, flag: Flag| unit.flags().set(flag);
///     set(unit, flags::APP_READY); // through a parameter: the graph needs the declaration
///     Ok(())
/// }
/// ```
#[proc_macro_attribute]
pub fn sets(_args: TokenStream, item: TokenStream) -> TokenStream {
    expand::stray("sets", item.into()).into()
}

/// Declares flags a handler clears where its body does not show them; see [`macro@sets`].
///
/// ```ignore
/// #[when("app.stopping")]
/// #[clears("app.running")]
/// fn stop(unit: &mut Unit) -> Result<()> {
///     let clear = |unit: &mut Unit, flag: Flag| unit.flags().clear(flag);
///     clear(unit, flags::APP_RUNNING); // through a parameter: the graph needs the declaration
///     Ok(())
/// }
/// ```
#[proc_macro_attribute]
pub fn clears(_args: TokenStream, item: TokenStream) -> TokenStream {
    expand::stray("clears", item.into()).into()
}

//! Attribute macros of the Rust charm framework. Use them through `charm_core`
//! (`charm_core::charm`, `charm_core::when`, ...); see charm-core's docs for examples.
//!
//! The crate works in three stages: [`parse`] reads the attribute arguments, the handlers
//! of the module and the charm's metadata.yaml / config.yaml; [`validate`] checks
//! everything and collects every error at once, each on the user's own tokens; [`expand`]
//! generates the registry, the typed config and the parameter-injecting shims. Generated
//! code reaches the runtime only through `::charm_core::__private`.

mod expand;
mod files;
mod parse;
mod suggest;
mod validate;

use proc_macro::TokenStream;

/// Turns a module into a charm: a compile-time registry of its handlers (`CHARM`), a typed
/// `Config` struct from config.yaml, and checks of every flag, config key, endpoint, hook
/// name and handler signature.
///
/// Arguments (all optional):
/// - `metadata = "metadata.yaml"`, `config = "config.yaml"`: paths relative to the crate
///   root, else to the file holding the attribute. Cargo rebuilds the charm when they change.
/// - `flags("app.running", ...)`: the charm's own flags, declared once here.
/// - `layers(path::to::layer_module, ...)`: layers whose handlers run before the charm's.
/// - `trigger(when = "a", set = "b")`, `trigger(when_not = "a", clear = "c")`.
///
/// What it expands to: the module's items with the handler attributes removed, a
/// `pub struct Config`, a `UnitConfig` trait giving `unit.config()` and
/// `unit.previous_config()`, one shim per handler that injects endpoint parameters, and
/// `pub static CHARM: charm_core::Charm` listing the handlers in source order.
#[proc_macro_attribute]
pub fn charm(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::module(parse::Kind::Charm, args.into(), item.into()).into()
}

/// Turns a module into a layer: handlers, flags and triggers that charms include with
/// `layers(path::to::module)`. Generates `pub static LAYER: charm_core::Layer`.
///
/// Arguments: `flags(...)` it declares, `layers(...)` it builds on, `trigger(...)`.
#[proc_macro_attribute]
pub fn layer(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::module(parse::Kind::Layer, args.into(), item.into()).into()
}

macro_rules! handler_attributes {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        ///
        /// Only meaningful inside a `#[charm]` or `#[layer]` module, which reads it; anywhere
        /// else it is a compile error, because the handler would never run.
        #[proc_macro_attribute]
        pub fn $name(_args: TokenStream, item: TokenStream) -> TokenStream {
            expand::stray(stringify!($name), item.into()).into()
        }
    )*};
}

handler_attributes! {
    /// Runs the handler when every flag is set (same as `when_all`).
    when,
    /// Runs the handler when every flag is set.
    when_all,
    /// Runs the handler when no flag is set (same as `when_none`).
    when_not,
    /// Runs the handler when no flag is set.
    when_none,
    /// Runs the handler when at least one flag is set.
    when_any,
    /// Runs the handler when at least one flag is not set.
    when_not_all,
    /// Runs the handler in the hooks phase when the hook matches a pattern
    /// (`{a,b}` alternatives, `{requires:redis}` endpoint expansion).
    hook,
    /// Runs the handler at most once in the unit's life (persisted, committed with the hook).
    only_once,
    /// Runs the handler when a file of the charm changed since it was last tested.
    when_file_changed,
}

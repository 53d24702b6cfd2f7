//! The typed names a module gets: a `flags` module of `Flag` / `FlagPattern` constants and,
//! for a charm, an `endpoints` module of `EndpointName<Interface>` constants.
//!
//! Names are checked by rustc's name resolution, not by scanning code: the runtime's flag
//! and endpoint methods accept only these types, so a misspelt constant anywhere in the
//! crate (a helper outside the module, an `impl`, a closure, a `const`) is rustc's own
//! "cannot find value" error with its "a constant with a similar name exists" suggestion.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::LitStr;

use crate::files::{ConfigOption, Metadata};
use crate::parse::{Args, Kind};
use crate::validate::{
    Served, interface_path, interface_remote_keys, interface_suffixes, interface_type, served,
};

/// The constant of flag `name`: upper-cased, every run of other characters than ASCII
/// letters and digits written `_`, a leading digit prefixed with `_`.
pub(crate) fn constant_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// A declared `flags(...)` entry with one `*`: its prefix and suffix.
pub(crate) fn pattern_parts(name: &str) -> Option<(&str, &str)> {
    name.split_once('*')
}

/// One constant to generate.
pub(crate) enum Name {
    Flag(String),
    Pattern(String, String),
}

/// Adds constant `ident` (default: from the name) for `name`; a clash with another name is
/// an error on the declaring literal.
fn add_name(
    names: &mut BTreeMap<String, (Name, Option<LitStr>)>,
    name: Name,
    lit: Option<&LitStr>,
    ident: Option<String>,
    errors: &mut Vec<syn::Error>,
) {
    let text = name.text();
    let ident = ident.unwrap_or_else(|| constant_name(&text));
    if ident.is_empty() {
        return; // not a flag name: validation reports it
    }
    if let Some((other, _)) = names.get(&ident) {
        let other = other.text();
        if other != text {
            let span = lit.map_or_else(Span::call_site, LitStr::span);
            errors.push(syn::Error::new(
                span,
                format!(
                    "flags `{other}` and `{text}` would both be the constant `flags::{ident}`; \
                     rename one of them"
                ),
            ));
        }
        return;
    }
    names.insert(ident, (name, lit.cloned()));
}

impl Name {
    pub(crate) fn text(&self) -> String {
        match self {
            Name::Flag(f) => f.clone(),
            Name::Pattern(a, b) => format!("{a}*{b}"),
        }
    }
}

/// The typed constant `ident` of `name`, documented: a `Flag` or a `FlagPattern`.
pub(crate) fn const_item(ident: &syn::Ident, name: &Name) -> TokenStream {
    let p = quote!(::charm_core::__private);
    let span = ident.span();
    match name {
        Name::Flag(flag) => {
            let doc = format!("The flag `{flag}`.");
            quote_spanned! {span=>
                #[doc = #doc] pub const #ident: #p::Flag = #p::Flag::__checked(#flag);
            }
        }
        Name::Pattern(a, b) => {
            let doc = format!(
                "The flags `{a}*{b}`: `flags::{ident}.with(part)?` is the flag `{a}<part>{b}`."
            );
            quote_spanned! {span=>
                #[doc = #doc]
                pub const #ident: #p::FlagPattern = #p::FlagPattern::__checked(#a, #b);
            }
        }
    }
}

/// The pattern of endpoint `endpoint`'s `changed.<key>` flags, for an interface that accepts
/// any key, and its constant's name (`ENDPOINT_DB_CHANGED_KEY`).
pub(crate) fn changed_key_pattern(endpoint: &str) -> (Name, String) {
    let prefix = format!("endpoint.{endpoint}.changed.");
    let ident = format!("{}_KEY", constant_name(&prefix));
    (Name::Pattern(prefix, String::new()), ident)
}

/// The path of the macro holding a registered type's declaration: at the root of the type's
/// crate, or beside the type when the path is this crate's (`crate::`, `self::`, `super::`,
/// or a bare name).
fn declaration_macro_path(ty: &syn::Path) -> TokenStream {
    let segments: Vec<&syn::PathSegment> = ty.segments.iter().collect();
    let Some(last) = segments.last() else {
        return quote!(#ty);
    };
    let first = segments[0].ident.to_string();
    let local = segments.len() == 1 || matches!(first.as_str(), "crate" | "self" | "super");
    let name = crate::interface::declaration_macro_name(&last.ident, local);
    if local {
        let prefix = segments[..segments.len() - 1].iter().map(|s| &s.ident);
        quote!(#(#prefix ::)* #name)
    } else {
        let root = &segments[0].ident;
        let colon = ty.leading_colon;
        quote!(#colon #root :: #name)
    }
}

/// Generates the `flags` module (and `endpoints` for a charm); name clashes go to `errors`.
pub(crate) fn generate(
    kind: Kind,
    args: &Args,
    metadata: &Metadata,
    config: &[ConfigOption],
    errors: &mut Vec<syn::Error>,
) -> TokenStream {
    let p = quote!(::charm_core::__private);
    // constant -> (what it names, the literal that declared it)
    let mut names: BTreeMap<String, (Name, Option<LitStr>)> = BTreeMap::new();
    let mut registered: Vec<(String, crate::files::Role, syn::Path)> = Vec::new();
    for lit in &args.flags {
        let value = lit.value();
        match pattern_parts(&value) {
            Some((a, b)) => add_name(
                &mut names,
                Name::Pattern(a.to_owned(), b.to_owned()),
                Some(lit),
                None,
                errors,
            ),
            None => add_name(&mut names, Name::Flag(value), Some(lit), None, errors),
        }
    }
    if kind == Kind::Charm {
        if !args.leader.is_empty() {
            add_name(
                &mut names,
                Name::Flag("leadership.is_leader".to_owned()),
                None,
                None,
                errors,
            );
        }
        for key in &args.leader {
            for family in ["set", "changed"] {
                add_name(
                    &mut names,
                    Name::Flag(format!("leadership.{family}.{}", key.value())),
                    None,
                    None,
                    errors,
                );
            }
        }
        if !config.is_empty() {
            add_name(
                &mut names,
                Name::Flag("config.changed".to_owned()),
                None,
                None,
                errors,
            );
        }
        for opt in config {
            for family in ["changed", "set", "default"] {
                add_name(
                    &mut names,
                    Name::Flag(format!("config.{family}.{}", opt.name)),
                    None,
                    None,
                    errors,
                );
            }
        }
        for s in &metadata.storage {
            add_name(
                &mut names,
                Name::Flag(format!("storage.{s}.attached")),
                None,
                None,
                errors,
            );
        }
        for ep in &metadata.endpoints {
            for f in ["joined", "changed", "departed"] {
                add_name(
                    &mut names,
                    Name::Flag(format!("endpoint.{}.{f}", ep.name)),
                    None,
                    None,
                    errors,
                );
            }
            // A registered type's flags and keys are known to its declaration macro only.
            if let Served::Registered(reg) = served(&args.interfaces, &ep.interface) {
                registered.push((ep.name.clone(), ep.role, reg.ty.clone()));
                continue;
            }
            match interface_remote_keys(&args.interfaces, &ep.interface, ep.role) {
                Some(keys) => {
                    for key in keys.iter().chain(crate::validate::JUJU_RELATION_KEYS) {
                        add_name(
                            &mut names,
                            Name::Flag(format!("endpoint.{}.changed.{key}", ep.name)),
                            None,
                            None,
                            errors,
                        );
                    }
                }
                // An interface the framework does not know: any key, through a pattern.
                None => {
                    let (pattern, ident) = changed_key_pattern(&ep.name);
                    add_name(&mut names, pattern, None, Some(ident), errors);
                }
            }
            for suffix in interface_suffixes(&args.interfaces, &ep.interface, ep.role) {
                add_name(
                    &mut names,
                    Name::Flag(format!("{}.{suffix}", ep.name)),
                    None,
                    None,
                    errors,
                );
            }
        }
    }
    // Each registered endpoint's constants, from its type's declaration macro, told which
    // constants the charm has already.
    let taken: Vec<TokenStream> = names
        .iter()
        .map(|(ident, (name, lit))| {
            let ident = syn::Ident::new(ident, Span::call_site());
            // The declaring literal, so a clash is reported on it.
            let span = lit.as_ref().map_or_else(Span::call_site, LitStr::span);
            let text = LitStr::new(&name.text(), span);
            quote!(#ident #text)
        })
        .collect();
    let registered_consts = registered.iter().map(|(endpoint, role, ty)| {
        let role = syn::Ident::new(role.as_str(), Span::call_site());
        let mac = declaration_macro_path(ty);
        quote!(#mac! { #endpoint #role #(#taken)* })
    });
    let consts = names.iter().map(|(ident, (name, lit))| {
        let span = lit.as_ref().map_or_else(Span::call_site, LitStr::span);
        const_item(&syn::Ident::new(ident, span), name)
    });
    // Layers' flags, re-exported: paths of `layers(...)` resolve in this module, so alias
    // them here and glob-import the alias in `flags`.
    let aliases: Vec<syn::Ident> = (0..args.layers.len())
        .map(|i| format_ident!("__charm_layer_flags_{}", i))
        .collect();
    let layer_paths = &args.layers;
    let what = match kind {
        Kind::Charm => "charm",
        Kind::Layer => "layer",
    };
    let flags_doc = format!(
        "The flags this {what} may name, as typed constants: its own `flags(...)`{}, and its \
         layers' (re-exported). A flag's constant is its name upper-cased with `.` and `-` \
         written `_`.",
        match kind {
            Kind::Charm =>
                ", the config flags of config.yaml, the endpoint and interface flags \
                           of metadata.yaml",
            Kind::Layer => "",
        }
    );
    let endpoints = match kind {
        Kind::Layer => TokenStream::new(),
        Kind::Charm => {
            let consts = metadata.endpoints.iter().map(|ep| {
                let ident = syn::Ident::new(&constant_name(&ep.name), Span::call_site());
                let ty = interface_path(&args.interfaces, &ep.interface);
                let name = &ep.name;
                let doc = format!(
                    "Endpoint `{name}` ({} `{}`), read as `{}`.",
                    ep.role.as_str(),
                    ep.interface,
                    interface_type(&args.interfaces, &ep.interface)
                );
                quote! {
                    #[doc = #doc]
                    pub const #ident: #p::EndpointName<#ty> = #p::EndpointName::__checked(#name);
                }
            });
            let storage = metadata.storage.iter().map(|name| {
                let ident = syn::Ident::new(&constant_name(name), Span::call_site());
                let doc = format!("Storage `{name}` of metadata.yaml.");
                quote! {
                    #[doc = #doc]
                    pub const #ident: #p::StorageName = #p::StorageName::__checked(#name);
                }
            });
            let keys = args.leader.iter().map(|lit| {
                let ident = syn::Ident::new(&constant_name(&lit.value()), lit.span());
                let doc = format!("Leader setting `{}`.", lit.value());
                quote! {
                    #[doc = #doc]
                    pub const #ident: #p::LeaderKey = #p::LeaderKey::__checked(#lit);
                }
            });
            quote! {
                /// The endpoints of metadata.yaml, typed by their interface.
                #[allow(dead_code)]
                pub mod endpoints {
                    #(#consts)*
                }
                /// The storage of metadata.yaml: `unit.storage().location(storage::DATA)`.
                #[allow(dead_code)]
                pub mod storage {
                    #(#storage)*
                }
                /// The leader settings of `#[charm(leader(...))]`, typed.
                #[allow(dead_code)]
                pub mod leader {
                    #(#keys)*
                }
            }
        }
    };
    quote! {
        #(
            #[doc(hidden)]
            #[allow(unused_imports)]
            use #layer_paths::flags as #aliases;
        )*
        #[doc = #flags_doc]
        #[allow(dead_code, unused_imports)]
        pub mod flags {
            #(pub use super::#aliases::*;)*
            #(#consts)*
            #(#registered_consts)*
        }
        #endpoints
    }
}

//! Stage 3: generate the registry, the typed config and the handler shims.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Item, ItemMod, LitStr};

use crate::files::{self, ConfigOption, Metadata, OptionType, Role};
use crate::parse::{self, Args, CondKind, HandlerFn, Kind};
use crate::validate::{self, Checked, Known};

/// `#[when]` & co. outside a charm or layer module: the handler would never run.
pub(crate) fn stray(name: &str, item: TokenStream) -> TokenStream {
    let mut func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let msg = format!(
                "`#[{name}]` goes on a handler function inside a `#[charm]` or `#[layer]` module, \
                 not on this item; put it on the `fn` that should run"
            );
            // Point at the item's name when it has one.
            let err = match syn::parse2::<Item>(item.clone()) {
                Ok(Item::Struct(i)) => syn::Error::new(i.ident.span(), msg),
                Ok(Item::Enum(i)) => syn::Error::new(i.ident.span(), msg),
                Ok(Item::Const(i)) => syn::Error::new(i.ident.span(), msg),
                Ok(Item::Static(i)) => syn::Error::new(i.ident.span(), msg),
                Ok(Item::Mod(i)) => syn::Error::new(i.ident.span(), msg),
                Ok(Item::Trait(i)) => syn::Error::new(i.ident.span(), msg),
                Ok(Item::Type(i)) => syn::Error::new(i.ident.span(), msg),
                _ => syn::Error::new(Span::call_site(), msg),
            };
            let err = err.into_compile_error();
            return quote! { #err #item };
        }
    };
    // Drop our other attributes too, so one mistake gives one error, and no "never used"
    // warning on top of it.
    func.attrs.retain(|a| parse::our_attribute(a).is_none());
    func.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    let ident = &func.sig.ident;
    let msg = format!(
        "`#[{name}]` on `{ident}` outside a `#[charm]` or `#[layer]` module: this handler is in no registry \
         and would never run; move `{ident}` into the module that carries `#[charm_core::charm(...)]`, \
         as a `fn` written there (a method of an `impl` block or a `fn` a `macro_rules!` macro \
         makes is not seen by the module's macro either)"
    );
    let err = syn::Error::new(ident.span(), msg).into_compile_error();
    quote! { #err #func }
}

/// `#[charm]` / `#[layer]` on a module.
pub(crate) fn module(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let what = match kind {
        Kind::Charm => "charm",
        Kind::Layer => "layer",
    };
    let mut module: ItemMod = match syn::parse2(item.clone()) {
        Ok(m) => m,
        Err(_) => {
            // Point at the item's name (or its first token), not at the attribute.
            let span = match syn::parse2::<Item>(item.clone()) {
                Ok(Item::Fn(f)) => f.sig.ident.span(),
                Ok(Item::Struct(s)) => s.ident.span(),
                Ok(Item::Enum(e)) => e.ident.span(),
                Ok(other) => other.span(),
                Err(_) => Span::call_site(),
            };
            let err = syn::Error::new(
                span,
                format!(
                    "`#[{what}]` goes on a module holding the handlers: \
                     `#[{what}(...)] mod name {{ ... }}`"
                ),
            )
            .into_compile_error();
            return quote! { #err #item };
        }
    };
    let parsed = parse::args(kind, args);
    let mut errors: Vec<syn::Error> = parsed.errors;
    let args = parsed.args;
    // After a mistake in the arguments, what they declare may be missing: report nothing as
    // unknown, and look for no default file (`metdata = ...` is the error, not a missing
    // metadata.yaml).
    let mut complete = parsed.complete && errors.is_empty();
    let mut tracked: Vec<String> = Vec::new();
    let (metadata, config) = match kind {
        Kind::Charm => {
            let before = errors.len();
            let files = load_files(&args, complete, &mut tracked, &mut errors);
            complete &= errors.len() == before;
            files
        }
        Kind::Layer => (Metadata::default(), Vec::new()),
    };
    match kind {
        Kind::Charm => crate::crate_scan::check_charm(&module.ident, &mut errors),
        Kind::Layer => crate::crate_scan::check_layer(&module.ident, &mut errors),
    }
    let declared = crate::graph::take_declarations(&mut module, &mut errors);
    let handlers = parse::handlers(&mut module, &mut errors);
    let known = Known::new(kind, &args, &metadata, &config, complete);
    let checked = validate::check(&known, &args, &handlers, &mut errors);
    let graph = crate::graph::analyse(
        kind,
        &known,
        &args,
        &args.allow,
        &module,
        &handlers,
        &declared,
        &mut errors,
    );

    let mut generated = generate(
        kind, &args, &metadata, &config, &handlers, &checked, &graph, &tracked,
    );
    generated.extend(crate::names::generate(
        kind,
        &args,
        &metadata,
        &config,
        &mut errors,
    ));
    if let Some((_, items)) = &mut module.content {
        // A handler left out of the registry (its signature is wrong) is already an error:
        // no "never used" warning on top.
        for (handler, injections) in handlers.iter().zip(&checked.injections) {
            if injections.is_some() {
                continue;
            }
            for item in items.iter_mut() {
                if let Item::Fn(f) = item
                    && f.sig.ident == handler.func.sig.ident
                {
                    f.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
                }
            }
        }
        items.push(Item::Verbatim(generated));
    }
    let errors = errors.into_iter().map(syn::Error::into_compile_error);
    quote! { #(#errors)* #module }
}

/// Loads metadata.yaml and config.yaml; `defaults`: also look for them under their default
/// names when the arguments do not name them.
fn load_files(
    args: &Args,
    defaults: bool,
    tracked: &mut Vec<String>,
    errors: &mut Vec<syn::Error>,
) -> (Metadata, Vec<ConfigOption>) {
    let locate = |lit: Option<&LitStr>, default: &str| -> (String, Span, bool) {
        match lit {
            Some(l) => (l.value(), l.span(), true),
            None => (default.to_owned(), Span::call_site(), false),
        }
    };
    let (meta_path, meta_span, explicit) = locate(
        args.metadata.as_ref(),
        crate::charmcraft::default_file("metadata.yaml"),
    );
    let metadata = if !explicit && !defaults {
        Metadata::default()
    } else {
        match files::resolve(&meta_path, meta_span).and_then(|p| {
            tracked.push(p.display().to_string());
            let mut metadata = files::metadata(&p)?;
            metadata.actions = crate::actions::load(&p, tracked)?;
            Ok(metadata)
        }) {
            Ok(m) => m,
            Err(msg) => {
                let msg = if explicit {
                    msg
                } else {
                    format!(
                        "{msg}; name the charm's metadata with `metadata = \"path/to/metadata.yaml\"` \
                     (relative to the crate root or to this file)"
                    )
                };
                errors.push(syn::Error::new(meta_span, msg));
                Metadata {
                    name: "unknown".to_owned(),
                    ..Metadata::default()
                }
            }
        }
    };
    let (config_path, config_span, explicit) = locate(
        args.config.as_ref(),
        crate::charmcraft::default_file("config.yaml"),
    );
    if !explicit && !defaults {
        return (metadata, Vec::new());
    }
    let config = match files::resolve(&config_path, config_span) {
        Ok(p) => {
            tracked.push(p.display().to_string());
            match files::config(&p) {
                // One error per bad option; the good ones stay typed and checked.
                Ok((options, option_errors)) => {
                    errors.extend(
                        option_errors
                            .into_iter()
                            .map(|m| syn::Error::new(config_span, m)),
                    );
                    options
                }
                Err(msg) => {
                    errors.push(syn::Error::new(config_span, msg));
                    Vec::new()
                }
            }
        }
        // config.yaml is optional unless named.
        Err(msg) if explicit => {
            errors.push(syn::Error::new(config_span, msg));
            Vec::new()
        }
        Err(_) => Vec::new(),
    };
    (metadata, config)
}

#[allow(clippy::too_many_arguments)] // one value per stage of the expansion
fn generate(
    kind: Kind,
    args: &Args,
    metadata: &Metadata,
    config: &[ConfigOption],
    handlers: &[HandlerFn],
    checked: &Checked,
    graph: &crate::graph::Graph,
    tracked: &[String],
) -> TokenStream {
    let p = quote!(::charm_core::__private);
    let mut shims = Vec::new();
    let mut defs = Vec::new();
    for (index, (handler, injections)) in handlers.iter().zip(&checked.injections).enumerate() {
        let Some(injections) = injections else {
            continue;
        };
        let ident = &handler.func.sig.ident;
        let shim = format_ident!("__charm_handler_{}", ident);
        let mut lets = Vec::new();
        let mut call_args = Vec::new();
        for (i, inj) in injections.iter().enumerate() {
            let var = format_ident!("__endpoint_{}", i);
            let ty = &inj.ty;
            let ep = &inj.endpoint;
            lets.push(quote_spanned! {ty.span()=>
                let #var: #ty = #p::endpoint::<#ty>(unit, #ep)?;
            });
            // The macro compares type names; rustc compares the types: a parameter of another
            // crate's `Mysql` than the registered one does not compile either.
            let untyped = matches!(ty, syn::Type::Path(tp)
                if tp.path.segments.last().is_some_and(|s| s.ident == "Endpoint"));
            if !untyped {
                // Spanned on the parameter's type, so a mismatch points there.
                let konst = syn::Ident::new(&crate::names::constant_name(ep), ty.span());
                lets.push(quote_spanned! {ty.span()=>
                    let _: #p::EndpointName<#ty> = endpoints::#konst;
                });
            }
            call_args.push(if inj.by_ref {
                quote!(&#var)
            } else {
                quote!(#var)
            });
        }
        // An action handler's second parameter: the action's typed parameters, checked in
        // const code to be this action's (`actions::DumpDb` for `#[action("dump-db")]`).
        if let Some(action) = handler
            .conds
            .iter()
            .find(|c| c.kind == CondKind::Action)
            .and_then(|c| c.args.first())
            && let Some(syn::FnArg::Typed(pt)) = handler.func.sig.inputs.iter().nth(1)
        {
            let ty = &pt.ty;
            let msg = format!(
                "the parameters of this handler are not those of action `{}`: take `actions::{}`",
                action.value(),
                crate::actions::type_name(&action.value())
            );
            lets.push(quote_spanned! {ty.span()=>
                const _: () = if !#p::same_names(&[<#ty as #p::ActionParams>::NAME], &[#action]) {
                    ::core::panic!(#msg)
                };
                let __params: #ty = #p::action_params::<#ty>(unit)?;
            });
            call_args.push(quote!(__params));
        }
        let ret_span = match &handler.func.sig.output {
            syn::ReturnType::Type(_, ty) => ty.span(),
            syn::ReturnType::Default => ident.span(),
        };
        let takes_unit = checked.takes_unit.get(index).copied();
        let call = if takes_unit == Some(false) {
            quote_spanned! {ret_span=>
                ::core::result::Result::map_err(#ident(), ::core::convert::Into::into)
            }
        } else {
            quote_spanned! {ret_span=>
                ::core::result::Result::map_err(#ident(unit #(, #call_args)*), ::core::convert::Into::into)
            }
        };
        shims.push(quote! {
            #[doc(hidden)]
            #[allow(unused_variables)]
            fn #shim(unit: &mut #p::Unit) -> #p::Result<()> {
                #(#lets)*
                #call
            }
        });
        let conds = handler.conds.iter().map(|c| {
            let lits = &c.args;
            match c.kind {
                CondKind::All => quote!(#p::Cond::All(&[#(#lits),*])),
                CondKind::Any => quote!(#p::Cond::Any(&[#(#lits),*])),
                CondKind::None => quote!(#p::Cond::None(&[#(#lits),*])),
                CondKind::NotAll => quote!(#p::Cond::NotAll(&[#(#lits),*])),
                CondKind::Hook => quote!(#p::Cond::Hook(&[#(#lits),*])),
                CondKind::OnlyOnce => quote!(#p::Cond::OnlyOnce),
                CondKind::Action => quote!(#p::Cond::Action(#(#lits),*)),
                CondKind::FileChanged => quote!(#p::Cond::FileChanged(&[#(#lits),*])),
            }
        });
        let name = format!("::{ident}");
        let (sets, clears) = crate::graph::registry_effects(&graph.nodes[index]);
        defs.push(quote! {
            #p::HandlerDef {
                name: ::core::concat!(::core::module_path!(), #name),
                conditions: &[#(#conds),*],
                sets: &[#(#sets),*],
                clears: &[#(#clears),*],
                call: #shim,
            }
        });
    }
    let count = defs.len();
    let flags = &args.flags;
    let layer_paths = &args.layers;
    let layer_refs: Vec<TokenStream> = layer_paths
        .iter()
        .map(|path| quote!(&#path::LAYER))
        .collect();
    let triggers = args.triggers.iter().map(|t| {
        let when = &t.when;
        let when = if t.on_set {
            quote!(#p::TriggerWhen::Set(#when))
        } else {
            quote!(#p::TriggerWhen::Cleared(#when))
        };
        let (set, clear) = (&t.set, &t.clear);
        quote!(#p::TriggerDef { when: #when, set: &[#(#set),*], clear: &[#(#clear),*] })
    });
    let layer = quote! {
        #p::Layer {
            name: ::core::module_path!(),
            flags: &[#(#flags),*],
            handlers: &__CHARM_HANDLERS,
            triggers: &[#(#triggers),*],
            layers: &[#(#layer_refs),*],
        }
    };
    // Flags the macro could not see: const-checked against the layers' declarations, with the
    // error on the user's literal.
    let deferred = checked.deferred.iter().map(|(lit, msg)| {
        quote_spanned! {lit.span()=>
            const _: () = if let ::core::option::Option::Some(msg) =
                #p::unknown_layer_flag(&[#(#layer_refs),*], #lit, #msg)
            {
                ::core::panic!("{}", msg.as_str())
            };
        }
    });
    // The flags this macro knows for charm-core's own layers must really be theirs: a const
    // check keeps that built-in list honest when a layer changes.
    let builtin: Vec<TokenStream> = args.layers.iter().flat_map(|path| {
        let flags = crate::validate::builtin_layer_flags(path).unwrap_or(&[]);
        let p = &p;
        flags.iter().map(move |flag| {
            let msg = format!(
                "charm-macros believes layer `{}` declares `{flag}`, but it does not: \
                 update charm-macros' list of built-in layers",
                quote!(#path).to_string().replace(' ', "")
            );
            quote! {
                const _: () = if !#p::layers_declare(&[&#path::LAYER], #flag) { ::core::panic!(#msg) };
            }
        })
    }).collect();
    let graph_checks = &graph.deferred;
    let tracked = tracked.iter().map(|path| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    let registry = match kind {
        Kind::Layer => quote! {
            /// The layer: its handlers, flags and triggers, for `layers(...)` of a charm.
            pub static LAYER: #p::Layer = #layer;
        },
        Kind::Charm => {
            let name = &metadata.name;
            let endpoints = metadata.endpoints.iter().map(|ep| {
                let (n, i) = (&ep.name, &ep.interface);
                let role = match ep.role {
                    Role::Provides => quote!(#p::Role::Provides),
                    Role::Requires => quote!(#p::Role::Requires),
                    Role::Peers => quote!(#p::Role::Peers),
                };
                let ty = crate::validate::interface_path(&args.interfaces, i);
                quote!(#p::EndpointDef {
                    name: #n, role: #role, interface: #i,
                    kind: &<#ty as #p::Interface>::DEF,
                })
            });
            // The default registration's copy of each built-in declaration must be the
            // type's own, and a registered type must serve the interface metadata.yaml names:
            // both checked in const code.
            let juju_keys = crate::validate::JUJU_RELATION_KEYS;
            let mut interface_checks = Vec::new();
            for reg in &args.interfaces {
                let (name, ty) = (&reg.name, &reg.ty);
                let msg = format!(
                    "`interfaces({name} = ...)` registers a type whose `#[interface(name = ...)]` \
                     is not `{name}`"
                );
                interface_checks.push(quote_spanned! {reg.span=>
                    const _: () = if !#p::same_names(&[<#ty as #p::Interface>::INTERFACE], &[#name]) {
                        ::core::panic!(#msg)
                    };
                });
            }
            for b in crate::interface::BUILTINS.iter().filter(|b| {
                metadata.endpoints.iter().any(|e| e.interface == b.name)
                    && !args.interfaces.iter().any(|r| r.name == b.name)
            }) {
                let ty = format_ident!("{}", b.ty);
                let msg = format!(
                    "charm-macros' copy of the declaration of interface `{}` differs from \
                     `charm_core::interfaces::{}`'s: update charm-macros' `BUILTINS`",
                    b.name, b.ty
                );
                let keys = |k: Option<&[&str]>| match k {
                    Some(keys) => quote!(::core::option::Option::Some(&[#(#keys),*] as &[&str])),
                    None => quote!(::core::option::Option::None),
                };
                let (rf, rk) = (b.requires.0, keys(b.requires.1));
                let (pf, pk) = (b.provides.0, keys(b.provides.1));
                interface_checks.push(quote! {
                    const _: () = {
                        let def = &<::charm_core::interfaces::#ty as #p::Interface>::DEF;
                        if !#p::same_names(def.requires.flags, &[#(#rf),*])
                            || !#p::same_keys(def.requires.keys, #rk)
                            || !#p::same_names(def.provides.flags, &[#(#pf),*])
                            || !#p::same_keys(def.provides.keys, #pk)
                            || !#p::same_names(#p::JUJU_RELATION_KEYS, &[#(#juju_keys),*])
                        {
                            ::core::panic!(#msg)
                        }
                    };
                });
            }
            interface_checks.extend(checked.interface_checks.iter().cloned());
            let options = config.iter().filter(|o| !o.broken).map(|o| {
                let n = &o.name;
                let kind = option_kind(o.kind);
                let default = match &o.default {
                    Some(d) => quote!(::core::option::Option::Some(#d)),
                    None => quote!(::core::option::Option::None),
                };
                quote!(#p::ConfigOptionDef { name: #n, kind: #kind, default: #default })
            });
            let config_items = config_struct(config);
            let action_items = crate::actions::generate(&metadata.actions);
            let leader_keys = &args.leader;
            quote! {
                #config_items
                #action_items
                #(#interface_checks)*
                /// The charm: its handlers in registration order, its layers, endpoints and config.
                pub static CHARM: #p::Charm = #p::Charm {
                    name: #name,
                    layer: #layer,
                    endpoints: &[#(#endpoints),*],
                    config: &[#(#options),*],
                    leader: &[#(#leader_keys),*],
                };
            }
        }
    };
    quote! {
        #(#shims)*
        #[doc(hidden)]
        static __CHARM_HANDLERS: [#p::HandlerDef; #count] = [#(#defs),*];
        #registry
        #(#deferred)*
        #(#builtin)*
        #graph_checks
        #(#tracked)*
    }
}

fn option_kind(kind: OptionType) -> TokenStream {
    let p = quote!(::charm_core::__private);
    match kind {
        // A secret option's value is its URI, a string to Juju.
        OptionType::String | OptionType::Secret => quote!(#p::OptionType::String),
        OptionType::Int => quote!(#p::OptionType::Int),
        OptionType::Float => quote!(#p::OptionType::Float),
        OptionType::Boolean => quote!(#p::OptionType::Boolean),
    }
}

fn config_struct(config: &[ConfigOption]) -> TokenStream {
    let p = quote!(::charm_core::__private);
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for opt in config.iter().filter(|o| !o.broken) {
        let ident = field_ident(&opt.name);
        let base = match opt.kind {
            OptionType::String => quote!(::std::string::String),
            OptionType::Secret => quote!(#p::SecretId),
            OptionType::Int => quote!(i64),
            OptionType::Float => quote!(f64),
            OptionType::Boolean => quote!(bool),
        };
        let ty = if opt.default.is_some() {
            base
        } else {
            quote!(::core::option::Option<#base>)
        };
        let doc = opt
            .description
            .clone()
            .unwrap_or_else(|| format!("Option `{}`.", opt.name));
        let default_doc = match &opt.default {
            Some(d) => format!("Default: `{d}`."),
            None => "No default: `None` until the operator sets it.".to_owned(),
        };
        fields.push(quote! { #[doc = #doc] #[doc = ""] #[doc = #default_doc] pub #ident: #ty });
        let name = &opt.name;
        inits.push(quote! { #ident: #p::config_field(map, #name)? });
    }
    quote! {
        /// The charm's config, typed from config.yaml.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Config { #(#fields,)* }

        impl #p::TypedConfig for Config {
            fn from_map(map: &#p::ConfigMap) -> #p::Result<Self> {
                ::core::result::Result::Ok(Self { #(#inits,)* })
            }
        }

        /// `unit.config()` and `unit.previous_config()`, typed for this charm.
        pub trait UnitConfig {
            /// This hook's config. A value of the wrong type from Juju is an error naming the key.
            fn config(&self) -> #p::Result<Config>;
            /// The config committed by the last successful hook; `None` on the first hook.
            fn previous_config(&self) -> ::core::option::Option<Config>;
        }

        impl UnitConfig for #p::Unit {
            fn config(&self) -> #p::Result<Config> {
                #p::config::<Config>(self)
            }
            fn previous_config(&self) -> ::core::option::Option<Config> {
                #p::previous_config::<Config>(self)
            }
        }
    }
}

pub(crate) fn field_ident(name: &str) -> syn::Ident {
    let snake = name.replace('-', "_");
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    };
    syn::parse_str::<syn::Ident>(&snake)
        .unwrap_or_else(|_| syn::Ident::new_raw(&snake, Span::call_site()))
}

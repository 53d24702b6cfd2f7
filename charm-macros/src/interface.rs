//! `#[interface(...)]` on an `impl Interface for T` block: one declaration of a relation
//! interface's name, and per role its flags and the remote keys it reads, turned into the
//! trait's associated consts. A charm checks its flags against those consts in const code.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::ParseStream;
use syn::{Ident, LitStr, Token};

/// A flag or key: an identifier (`available`) or a string (`"database.available"`).
struct Name {
    value: String,
    span: Span,
}

fn names(input: ParseStream) -> syn::Result<Vec<Name>> {
    let content;
    syn::parenthesized!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let lit: LitStr = content.parse()?;
            out.push(Name {
                value: lit.value(),
                span: lit.span(),
            });
        } else {
            let id: Ident = content.call(syn::ext::IdentExt::parse_any)?;
            out.push(Name {
                value: id.to_string(),
                span: id.span(),
            });
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

#[derive(Default)]
struct RoleDecl {
    flags: Vec<Name>,
    keys: Option<Vec<Name>>,
}

/// Flags the framework raises itself on every endpoint (`endpoint.<name>.joined`, ...):
/// an interface flag of that name would shadow nothing but confuse every reader.
const RESERVED: [&str; 3] = ["joined", "changed", "departed"];

/// Why `flag` cannot be an interface flag suffix, if it cannot.
fn bad_flag(flag: &str) -> Option<String> {
    if flag.is_empty() {
        return Some("an interface flag is a non-empty name, e.g. `available`".to_owned());
    }
    if !flag
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
    {
        return Some(format!(
            "`{flag}` is not an interface flag name: lower-case letters, digits, `.`, `-` and \
             `_` only (it is raised as `<endpoint>.{flag}`)"
        ));
    }
    if flag.starts_with('.') || flag.ends_with('.') || flag.contains("..") {
        return Some(format!(
            "`{flag}` is not an interface flag name: `.` separates words, it cannot start, end \
             or double one"
        ));
    }
    if RESERVED.contains(&flag) {
        return Some(format!(
            "`{flag}` is not an interface flag name: the framework raises \
             `endpoint.<name>.{flag}` on every endpoint already; name what your interface \
             knows, e.g. `available`"
        ));
    }
    None
}

fn bad_key(key: &str) -> Option<String> {
    if key.is_empty() || key.contains(['=', ' ', '\t', '\n', '\r', '.']) {
        return Some(format!(
            "`{key}` is not a relation data key: a non-empty name without `=`, `.` or spaces \
             (it is named in `endpoint.<name>.changed.{key}`)"
        ));
    }
    None
}

/// The expansion of `#[interface(args)] impl ... { ... }`.
pub(crate) fn interface(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut name: Option<LitStr> = None;
    let mut roles: [(&str, Option<RoleDecl>); 3] =
        [("requires", None), ("provides", None), ("peers", None)];
    let parser = |input: ParseStream| -> syn::Result<()> {
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "name" => {
                    input.parse::<Token![=]>()?;
                    name = Some(input.parse()?);
                }
                role @ ("requires" | "provides" | "peers") => {
                    let content;
                    syn::parenthesized!(content in input);
                    let mut decl = RoleDecl::default();
                    while !content.is_empty() {
                        let what: Ident = content.parse()?;
                        match what.to_string().as_str() {
                            "flags" => decl.flags.extend(names(&content)?),
                            "keys" => decl
                                .keys
                                .get_or_insert_with(Vec::new)
                                .extend(names(&content)?),
                            other => {
                                errors.push(syn::Error::new(
                                    what.span(),
                                    format!(
                                        "unknown item `{other}` of `{role}(...)`; expected \
                                         `flags(...)` and `keys(...)`"
                                    ),
                                ));
                                while !content.is_empty() && !content.peek(Token![,]) {
                                    content.parse::<proc_macro2::TokenTree>()?;
                                }
                            }
                        }
                        if content.is_empty() {
                            break;
                        }
                        content.parse::<Token![,]>()?;
                    }
                    let slot = roles.iter_mut().find(|(r, _)| *r == role).map(|(_, d)| d);
                    if let Some(slot) = slot {
                        if slot.is_some() {
                            errors.push(syn::Error::new(
                                key.span(),
                                format!("`{role}(...)` is given twice; declare the role once"),
                            ));
                        }
                        *slot = Some(decl);
                    }
                }
                other => {
                    errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{other}`; expected `name = \"...\"`, \
                             `requires(...)`, `provides(...)`, `peers(...)`"
                        ),
                    ));
                    while !input.is_empty() && !input.peek(Token![,]) {
                        input.parse::<proc_macro2::TokenTree>()?;
                    }
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(())
    };
    if let Err(e) = syn::parse::Parser::parse2(parser, args) {
        errors.push(e);
    }
    let mut item: syn::ItemImpl = match syn::parse2(item) {
        Ok(item) => item,
        Err(_) => {
            errors.push(syn::Error::new(
                Span::call_site(),
                "`#[interface(...)]` goes on an `impl charm_core::Interface for YourType { ... }` block",
            ));
            return to_errors(errors);
        }
    };
    let name = match name {
        Some(n) if !n.value().is_empty() && !n.value().contains(char::is_whitespace) => n,
        Some(n) => {
            errors.push(syn::Error::new(
                n.span(),
                "the interface name is the one metadata.yaml writes after `interface:`, e.g. \
                 `name = \"mysql\"`",
            ));
            n
        }
        None => {
            errors.push(syn::Error::new(
                Span::call_site(),
                "`#[interface(...)]` needs the metadata.yaml name: `name = \"mysql\"`",
            ));
            LitStr::new("", Span::call_site())
        }
    };
    let mut consts = Vec::new();
    for (role, decl) in &roles {
        let Some(decl) = decl else { continue };
        let mut seen: Vec<&str> = Vec::new();
        for flag in &decl.flags {
            if let Some(why) = bad_flag(&flag.value) {
                errors.push(syn::Error::new(flag.span, why));
            } else if seen.contains(&flag.value.as_str()) {
                errors.push(syn::Error::new(
                    flag.span,
                    format!("flag `{}` is declared twice in `{role}(...)`", flag.value),
                ));
            }
            seen.push(&flag.value);
        }
        for key in decl.keys.iter().flatten() {
            if let Some(why) = bad_key(&key.value) {
                errors.push(syn::Error::new(key.span, why));
            }
        }
        let ident = Ident::new(&role.to_uppercase(), Span::call_site());
        let flags = decl.flags.iter().map(|f| &f.value);
        let keys = match &decl.keys {
            Some(keys) => {
                let keys = keys.iter().map(|k| &k.value);
                quote!(::core::option::Option::Some(&[#(#keys),*]))
            }
            None => quote!(::core::option::Option::None),
        };
        consts.push(quote! {
            const #ident: ::charm_core::endpoint::RoleSpec = ::charm_core::endpoint::RoleSpec {
                flags: &[#(#flags),*],
                keys: #keys,
            };
        });
    }
    let mut added: Vec<syn::ImplItem> = vec![syn::parse_quote!(
        const INTERFACE: &'static str = #name;
    )];
    for c in consts {
        added.push(syn::parse2(c).expect("a generated const parses"));
    }
    added.append(&mut item.items);
    item.items = added;
    let declaration = declaration_macros(&item, &roles);
    // The impl is kept even when the declaration has mistakes, so they are the only errors.
    let errors = to_errors(errors);
    quote!(#errors #item #declaration)
}

/// The name of the macro that hands `ty`'s declaration to a charm: exported at the crate
/// root for other crates, and `local` in the type's own module for this one (a macro made
/// by a macro cannot be named by an absolute path in its own crate).
pub(crate) fn declaration_macro_name(ty: &Ident, local: bool) -> Ident {
    let kind = if local { "local_" } else { "" };
    Ident::new(&format!("__charm_iface_{kind}{ty}"), ty.span())
}

/// A charm's `flags` module needs the typed constants of a registered interface's flags and
/// keys while `#[charm]` expands, when only the type's path is known: the declaration travels
/// as a macro, which calls `charm_core::__interface_consts!` with the charm's endpoint and the
/// declaration of every role (`*` for "any key").
fn declaration_macros(item: &syn::ItemImpl, roles: &[(&str, Option<RoleDecl>); 3]) -> TokenStream {
    let syn::Type::Path(path) = &*item.self_ty else {
        return TokenStream::new();
    };
    let Some(last) = path.path.segments.last() else {
        return TokenStream::new();
    };
    let specs = roles.iter().map(|(role, decl)| {
        let role = Ident::new(role, Span::call_site());
        let empty = RoleDecl::default();
        let decl = decl.as_ref().unwrap_or(&empty);
        let flags = decl.flags.iter().map(|f| &f.value);
        let keys = match &decl.keys {
            Some(keys) => {
                let keys = keys.iter().map(|k| &k.value);
                quote!([#(#keys),*])
            }
            None => quote!(*),
        };
        quote!(#role [#(#flags),*] #keys)
    });
    let body = quote! {
        ($($args:tt)*) => {
            ::charm_core::__interface_consts! { [$($args)*] #(#specs)* }
        };
    };
    let exported = declaration_macro_name(&last.ident, false);
    let local = declaration_macro_name(&last.ident, true);
    quote! {
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #exported { #body }
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #local { #body }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use #local;
    }
}

/// One role of a declaration as the macro of [`declaration_macros`] hands it on.
struct RoleTokens {
    role: Ident,
    flags: Vec<LitStr>,
    keys: Option<Vec<LitStr>>,
}

fn lit_list(input: ParseStream) -> syn::Result<Vec<LitStr>> {
    let content;
    syn::bracketed!(content in input);
    let list = syn::punctuated::Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(list.into_iter().collect())
}

/// `charm_core::__interface_consts!{ ["db" requires (IDENT "flag")*] requires [..] [..] ... }`:
/// the typed constants of endpoint `db`'s interface flags (`DB_AVAILABLE`) and remote keys
/// (`ENDPOINT_DB_CHANGED_HOST`, or the pattern `ENDPOINT_DB_CHANGED_KEY` for an interface
/// that accepts any key). The pairs are the charm's other constants: one naming the same flag
/// is not made twice, one naming another flag is an error.
pub(crate) fn interface_consts(input: TokenStream) -> TokenStream {
    let parser = |input: ParseStream| -> syn::Result<TokenStream> {
        let head;
        syn::bracketed!(head in input);
        let endpoint: LitStr = head.parse()?;
        let role: Ident = head.parse()?;
        let mut taken: Vec<(String, LitStr)> = Vec::new();
        while !head.is_empty() {
            let ident: Ident = head.parse()?;
            taken.push((ident.to_string(), head.parse()?));
        }
        let mut roles = Vec::new();
        while !input.is_empty() {
            let role: Ident = input.parse()?;
            let flags = lit_list(input)?;
            let keys = if input.peek(Token![*]) {
                input.parse::<Token![*]>()?;
                None
            } else {
                Some(lit_list(input)?)
            };
            roles.push(RoleTokens { role, flags, keys });
        }
        let Some(spec) = roles.iter().find(|r| r.role == role) else {
            return Err(syn::Error::new(role.span(), format!("no role `{role}`")));
        };
        Ok(consts_for(&endpoint, spec, &taken))
    };
    match syn::parse::Parser::parse2(parser, input) {
        Ok(out) => out,
        Err(e) => e.to_compile_error(),
    }
}

fn consts_for(endpoint: &LitStr, spec: &RoleTokens, taken: &[(String, LitStr)]) -> TokenStream {
    use crate::names::{Name, changed_key_pattern, const_item, constant_name};
    let ep = endpoint.value();
    let mut wanted: Vec<(String, Name)> = spec
        .flags
        .iter()
        .map(|flag| {
            let text = format!("{ep}.{}", flag.value());
            (constant_name(&text), Name::Flag(text))
        })
        .collect();
    match &spec.keys {
        Some(keys) => {
            let keys = keys.iter().map(LitStr::value).chain(
                crate::validate::JUJU_RELATION_KEYS
                    .iter()
                    .map(|k| (*k).to_owned()),
            );
            for key in keys {
                let text = format!("endpoint.{ep}.changed.{key}");
                wanted.push((constant_name(&text), Name::Flag(text)));
            }
        }
        None => {
            let (pattern, ident) = changed_key_pattern(&ep);
            wanted.push((ident, pattern));
        }
    }
    let mut out = TokenStream::new();
    let mut made: Vec<(String, LitStr)> = Vec::new();
    for (ident, name) in wanted {
        let text = name.text();
        if let Some((_, other)) = taken.iter().chain(made.iter()).find(|(i, _)| *i == ident) {
            if other.value() != text {
                let msg = format!(
                    "the typed constant `flags::{ident}` would name both `{}` and `{text}` (a \
                     flag of endpoint `{ep}`'s interface); rename `{}`",
                    other.value(),
                    other.value()
                );
                out.extend(quote_spanned!(other.span()=> ::core::compile_error!(#msg);));
            }
            continue;
        }
        out.extend(const_item(&Ident::new(&ident, Span::call_site()), &name));
        made.push((ident, LitStr::new(&text, endpoint.span())));
    }
    out
}

fn to_errors(errors: Vec<syn::Error>) -> TokenStream {
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote!(#(#errors)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_are_checked() {
        assert!(bad_flag("available").is_none());
        assert!(bad_flag("database.available").is_none());
        assert!(bad_flag("").is_some());
        assert!(bad_flag("Available").is_some());
        assert!(bad_flag("a..b").is_some());
        assert!(bad_flag(".a").is_some());
        assert!(bad_flag("joined").is_some());
        assert!(bad_key("host").is_none());
        assert!(bad_key("allowed-units").is_none());
        assert!(bad_key("a=b").is_some());
    }

    #[test]
    fn a_registered_endpoint_gets_its_role_s_constants_once() {
        let out = interface_consts(quote!(
            ["db" requires DB_CONNECTED "db.connected"]
            requires ["connected", "available"] ["host"]
            provides [] *
            peers [] *
        ))
        .to_string();
        assert!(out.contains("DB_AVAILABLE"), "{out}");
        assert!(out.contains("ENDPOINT_DB_CHANGED_HOST"), "{out}");
        assert!(out.contains("ENDPOINT_DB_CHANGED_INGRESS_ADDRESS"), "{out}");
        // The charm's own constant for the same flag is not made twice.
        assert!(!out.contains("const DB_CONNECTED"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
        let any_key = interface_consts(quote!(
            ["db" provides] requires [] * provides ["ready"] * peers [] *
        ))
        .to_string();
        assert!(any_key.contains("ENDPOINT_DB_CHANGED_KEY") && any_key.contains("DB_READY"));
    }

    #[test]
    fn consts_are_added() {
        let out = interface(
            quote!(
                name = "mysql",
                requires(flags(connected, available), keys(host, port))
            ),
            quote!(impl ::charm_core::Interface for Mysql {}),
        )
        .to_string();
        assert!(out.contains("const INTERFACE"), "{out}");
        assert!(out.contains("REQUIRES"), "{out}");
        assert!(!out.contains("PROVIDES"), "{out}");
    }
}

/// A built-in interface's declaration as `charm-core` writes it in its `#[interface(...)]`,
/// copied here so the macro can check its flags with a suggestion and make their typed
/// constants at once. The expansion asserts in const code that every copy equals the
/// type's own consts, so the copy cannot drift.
pub(crate) struct Builtin {
    pub name: &'static str,
    /// The type under `::charm_core::interfaces`.
    pub ty: &'static str,
    pub requires: (&'static [&'static str], Option<&'static [&'static str]>),
    pub provides: (&'static [&'static str], Option<&'static [&'static str]>),
}

/// The default registration: `redis`, `pgsql` and `http` served by charm-core's types.
pub(crate) const BUILTINS: [Builtin; 3] = [
    Builtin {
        name: "redis",
        ty: "Redis",
        requires: (
            &["connected", "available"],
            Some(&["host", "port", "password"]),
        ),
        provides: (&[], Some(&[])),
    },
    Builtin {
        name: "pgsql",
        ty: "Postgres",
        requires: (
            &["connected", "database.available"],
            Some(&[
                "allowed-units",
                "database",
                "host",
                "master",
                "password",
                "port",
                "schema_password",
                "schema_user",
                "standbys",
                "state",
                "user",
                "version",
            ]),
        ),
        provides: (&[], Some(&["database", "roles", "extensions"])),
    },
    Builtin {
        name: "http",
        ty: "Http",
        requires: (&["available"], Some(&["hostname", "port"])),
        provides: (&["available"], Some(&[])),
    },
];

/// The built-in declaration of `interface`, if it is one of charm-core's and the charm did
/// not register its own type for it.
pub(crate) fn builtin(interface: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == interface)
}

/// One registered interface: metadata name and the Rust type serving it.
#[derive(Clone)]
pub(crate) struct Registered {
    pub name: String,
    pub span: Span,
    pub ty: syn::Path,
}

/// Parses `interfaces(mysql = my_crate::Mysql, "mysql-root" = other::Root)`.
pub(crate) fn parse_registrations(
    input: ParseStream,
    errors: &mut Vec<syn::Error>,
) -> syn::Result<Vec<Registered>> {
    let content;
    syn::parenthesized!(content in input);
    let mut out: Vec<Registered> = Vec::new();
    while !content.is_empty() {
        let (name, span) = if content.peek(LitStr) {
            let lit: LitStr = content.parse()?;
            (lit.value(), lit.span())
        } else {
            let id: Ident = content.call(syn::ext::IdentExt::parse_any)?;
            (id.to_string(), id.span())
        };
        content.parse::<Token![=]>()?;
        let ty: syn::Path = content.parse()?;
        if out.iter().any(|r| r.name == name) {
            errors.push(syn::Error::new(
                span,
                format!("interface `{name}` is registered twice; name one type for it"),
            ));
        } else {
            out.push(Registered { name, span, ty });
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

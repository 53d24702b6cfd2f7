//! Stage 1: read the module attribute's arguments and the handlers inside the module.

use proc_macro2::Span;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Attribute, Ident, Item, ItemFn, ItemMod, LitStr, Token};

/// `#[charm]` or `#[layer]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Charm,
    Layer,
}

/// A `trigger(when = "a", set = "b")` argument.
pub(crate) struct TriggerArg {
    pub when: LitStr,
    pub on_set: bool,
    pub set: Vec<LitStr>,
    pub clear: Vec<LitStr>,
}

/// The module attribute's arguments.
#[derive(Default)]
pub(crate) struct Args {
    pub metadata: Option<LitStr>,
    pub config: Option<LitStr>,
    pub flags: Vec<LitStr>,
    pub layers: Vec<syn::Path>,
    pub triggers: Vec<TriggerArg>,
    /// `leader("key", ...)`: the leader settings the charm reads and writes.
    pub leader: Vec<LitStr>,
    /// Opt-outs of the flag graph's checks.
    pub allow: crate::graph::Allow,
    /// `interfaces(mysql = my_crate::Mysql)`: the types serving metadata.yaml's interfaces.
    pub interfaces: Vec<crate::interface::Registered>,
}

fn lit_list(input: ParseStream) -> syn::Result<Vec<LitStr>> {
    let content;
    syn::parenthesized!(content in input);
    Ok(Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?
        .into_iter()
        .collect())
}

impl Args {
    /// Parses the arguments; unknown keys go to `errors` (parsing goes on after them), syntax
    /// errors end the parse.
    pub fn parse(
        kind: Kind,
        input: ParseStream,
        errors: &mut Vec<syn::Error>,
    ) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "metadata" | "config" if kind == Kind::Charm => {
                    input.parse::<Token![=]>()?;
                    let lit: LitStr = input.parse()?;
                    let slot = if key == "metadata" {
                        &mut args.metadata
                    } else {
                        &mut args.config
                    };
                    if slot.is_some() {
                        errors.push(syn::Error::new(
                            key.span(),
                            format!("`{key}` is given twice; name one file"),
                        ));
                    }
                    *slot = Some(lit);
                }
                "metadata" | "config" => {
                    errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "a layer has no `{key}`: the charm that includes it names its \
                             metadata.yaml and config.yaml; remove `{key} = ...`"
                        ),
                    ));
                    input.parse::<Token![=]>()?;
                    input.parse::<LitStr>()?;
                }
                "flags" => args.flags.extend(lit_list(input)?),
                "leader" if kind == Kind::Charm => {
                    for lit in lit_list(input)? {
                        let key = lit.value();
                        if key.is_empty() || key.contains(['=', ' ', '\t', '\n', '*']) {
                            errors.push(syn::Error::new(
                                lit.span(),
                                format!(
                                    "`{key}` is not a leader setting key: a non-empty name \
                                     without `=`, `*` or spaces, e.g. `\"admin-password\"`"
                                ),
                            ));
                        } else if args.leader.iter().any(|l| l.value() == key) {
                            errors.push(syn::Error::new(
                                lit.span(),
                                format!("leader setting `{key}` is declared twice; remove this duplicate"),
                            ));
                        } else {
                            args.leader.push(lit);
                        }
                    }
                }
                "layers" => {
                    let content;
                    syn::parenthesized!(content in input);
                    let paths = Punctuated::<syn::Path, Token![,]>::parse_terminated(&content)?;
                    args.layers.extend(paths);
                }
                "trigger" => args.triggers.push(parse_trigger(&key, input)?),
                "interfaces" if kind == Kind::Charm => {
                    args.interfaces
                        .extend(crate::interface::parse_registrations(input, errors)?);
                }
                "allow" => crate::graph::parse_allow(input, &mut args.allow, errors)?,
                other => {
                    let valid = match kind {
                        Kind::Charm => {
                            "`metadata = \"...\"`, `config = \"...\"`, `flags(...)`, `layers(...)`, `trigger(...)`, `leader(...)`, `interfaces(...)`, `allow(...)`"
                        }
                        Kind::Layer => "`flags(...)`, `layers(...)`, `trigger(...)`, `allow(...)`",
                    };
                    let names: &[&str] = match kind {
                        Kind::Charm => &[
                            "metadata",
                            "config",
                            "flags",
                            "layers",
                            "trigger",
                            "leader",
                            "interfaces",
                            "allow",
                        ],
                        Kind::Layer => &["flags", "layers", "trigger", "allow"],
                    };
                    let hint = match crate::suggest::nearest(other, names.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`? Expected one of {valid}"),
                        None => format!("expected one of {valid}"),
                    };
                    errors.push(syn::Error::new(
                        key.span(),
                        format!("unknown argument `{other}`; {hint}"),
                    ));
                    // Skip whatever follows the bad key up to the next comma.
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
        Ok(args)
    }
}

fn parse_trigger(key: &Ident, input: ParseStream) -> syn::Result<TriggerArg> {
    let content;
    syn::parenthesized!(content in input);
    let mut when: Option<(LitStr, bool)> = None;
    let (mut set, mut clear) = (Vec::new(), Vec::new());
    while !content.is_empty() {
        let k: Ident = content.parse()?;
        content.parse::<Token![=]>()?;
        let v: LitStr = content.parse()?;
        match k.to_string().as_str() {
            "when" => when = Some((v, true)),
            "when_not" => when = Some((v, false)),
            "set" => set.push(v),
            "clear" => clear.push(v),
            other => {
                return Err(syn::Error::new(
                    k.span(),
                    format!(
                        "unknown trigger key `{other}`; expected `when`, `when_not`, `set` or `clear`"
                    ),
                ));
            }
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    let Some((when, on_set)) = when else {
        return Err(syn::Error::new(
            key.span(),
            "a trigger needs `when = \"flag\"` or `when_not = \"flag\"`",
        ));
    };
    if set.is_empty() && clear.is_empty() {
        return Err(syn::Error::new(
            key.span(),
            "a trigger needs `set = \"flag\"` or `clear = \"flag\"`",
        ));
    }
    Ok(TriggerArg {
        when,
        on_set,
        set,
        clear,
    })
}

/// Which handler attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CondKind {
    All,
    Any,
    None,
    NotAll,
    Hook,
    OnlyOnce,
    FileChanged,
    /// `#[action("name")]`: the handler of an action.
    Action,
}

pub(crate) const ATTRIBUTES: &[&str] = &[
    "when",
    "when_all",
    "when_not",
    "when_none",
    "when_any",
    "when_not_all",
    "hook",
    "only_once",
    "when_file_changed",
    "action",
];

fn cond_kind(name: &str) -> Option<CondKind> {
    Some(match name {
        "when" | "when_all" => CondKind::All,
        "when_not" | "when_none" => CondKind::None,
        "when_any" => CondKind::Any,
        "when_not_all" => CondKind::NotAll,
        "hook" => CondKind::Hook,
        "only_once" => CondKind::OnlyOnce,
        "when_file_changed" => CondKind::FileChanged,
        "action" => CondKind::Action,
        _ => return None,
    })
}

/// One handler attribute as written.
pub(crate) struct CondAttr {
    pub kind: CondKind,
    /// The attribute's name, for errors.
    pub name: Ident,
    pub args: Vec<LitStr>,
}

/// A function of the module with handler attributes.
pub(crate) struct HandlerFn {
    pub func: ItemFn,
    pub conds: Vec<CondAttr>,
}

/// Our attribute's name if `attr` is one (`when` or `charm_core::when`).
pub(crate) fn our_attribute(attr: &Attribute) -> Option<String> {
    let last = attr.path().segments.last()?.ident.to_string();
    ATTRIBUTES.contains(&last.as_str()).then_some(last)
}

/// Takes the handler attributes off every function of `module`; returns the handlers found
/// and errors for attributes put on anything but a function.
pub(crate) fn handlers(module: &mut ItemMod, errors: &mut Vec<syn::Error>) -> Vec<HandlerFn> {
    let mut out = Vec::new();
    let Some((_, items)) = &mut module.content else {
        errors.push(syn::Error::new(
            module.ident.span(),
            format!(
                "the module must be inline: write `mod {} {{ ... }}` with the handlers inside; \
                 the macro reads them, it cannot see `{}.rs`",
                module.ident, module.ident
            ),
        ));
        return out;
    };
    let mut unattributed: Vec<Ident> = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Fn(func) => {
                let mut conds = Vec::new();
                let mut broken = false;
                func.attrs.retain(|attr| {
                    let Some(name) = our_attribute(attr) else {
                        return true;
                    };
                    match parse_cond(attr, &name) {
                        Ok(c) => conds.push(c),
                        Err(e) => {
                            broken = true;
                            errors.push(e);
                        }
                    }
                    false
                });
                if conds.is_empty() {
                    if !broken
                        && looks_like_handler(&func.sig)
                        && !matches!(func.vis, syn::Visibility::Public(_))
                    {
                        unattributed.push(func.sig.ident.clone());
                    }
                    if broken {
                        // Its only attribute was malformed: that error is enough, no
                        // "never used" warning on top.
                        func.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
                    }
                    continue;
                }
                out.push(HandlerFn {
                    func: func.clone(),
                    conds,
                });
            }
            Item::Impl(block) => {
                for impl_item in &mut block.items {
                    let syn::ImplItem::Fn(method) = impl_item else {
                        continue;
                    };
                    let ident = method.sig.ident.clone();
                    method.attrs.retain(|attr| match our_attribute(attr) {
                        Some(name) => {
                            errors.push(syn::Error::new_spanned(
                                attr.path(),
                                format!(
                                    "`#[{name}]` on method `{ident}`: a handler is a free `fn` of \
                                     the module, because the registry calls it without a value \
                                     of the `impl`'s type; move `{ident}` out of the `impl` block \
                                     (it can call the method)"
                                ),
                            ));
                            false
                        }
                        None => true,
                    });
                }
            }
            Item::Macro(mac) if mac.mac.path.is_ident("macro_rules") => {
                let text = mac.mac.tokens.to_string().replace(' ', "");
                // The attributes are reported here once; taken out of the macro's body, they
                // add no "outside a module" error where the macro expands.
                mac.mac.tokens = strip_our_attributes(mac.mac.tokens.clone());
                if let Some(name) = ATTRIBUTES.iter().find(|a| {
                    text.contains(&format!("#[{a}(")) || text.contains(&format!("#[{a}]"))
                }) {
                    errors.push(syn::Error::new_spanned(
                        &mac.mac.path,
                        format!(
                            "this `macro_rules!` makes `#[{name}]` handlers, but the module's macro \
                             reads its functions before any macro in it expands, so they would be \
                             in no registry; write each handler as a `fn` in the module (a macro \
                             can make the body it calls)"
                        ),
                    ));
                }
            }
            other => {
                if let Some(attrs) = item_attrs(other) {
                    attrs.retain(|attr| match our_attribute(attr) {
                        Some(name) => {
                            errors.push(syn::Error::new_spanned(
                                attr.path(),
                                format!(
                                    "`#[{name}]` goes on a handler function, not on this item; \
                                     move it to the `fn` that should run"
                                ),
                            ));
                            false
                        }
                        None => true,
                    });
                }
            }
        }
    }
    if !unattributed.is_empty() {
        let mut used = UsedNames::default();
        for item in items.iter() {
            used.visit_item(item);
        }
        for ident in unattributed {
            if used.names.contains(&ident.to_string()) {
                continue; // a helper the handlers call
            }
            errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "`{ident}` has a handler's signature but no condition attribute, and nothing \
                     calls it: it would never run; add the condition it waits for (e.g. \
                     `#[when(\"...\")]`, `#[hook(\"install\")]`, `#[only_once]`), or make it \
                     `pub` if it is called from outside the module"
                ),
            ));
        }
    }
    out
}

/// `Unit`, `&Unit` or `&mut Unit` (any path ending in `Unit`).
fn is_unit_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => is_unit_type(&r.elem),
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Unit"),
        _ => false,
    }
}

/// `fn name(unit: &mut Unit) -> Result<...>`: what a handler looks like.
fn looks_like_handler(sig: &syn::Signature) -> bool {
    let first_is_unit = match sig.inputs.first() {
        Some(syn::FnArg::Typed(pt)) => {
            matches!(&*pt.ty, syn::Type::Reference(r) if r.mutability.is_some() && is_unit_type(&r.elem))
        }
        _ => false,
    };
    let returns_result = match &sig.output {
        syn::ReturnType::Type(_, ty) => match &**ty {
            syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
            _ => false,
        },
        syn::ReturnType::Default => false,
    };
    first_is_unit && returns_result && sig.inputs.len() == 1
}

/// Every single identifier used as a path or inside a macro call, to tell called helpers
/// from forgotten handlers.
#[derive(Default)]
struct UsedNames {
    names: Vec<String>,
}

impl<'ast> Visit<'ast> for UsedNames {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(last) = p.path.segments.last() {
            self.names.push(last.ident.to_string());
        }
        syn::visit::visit_expr_path(self, p);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        for tt in mac.tokens.clone() {
            collect_idents(tt, &mut self.names);
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn collect_idents(tt: proc_macro2::TokenTree, out: &mut Vec<String>) {
    match tt {
        proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
        proc_macro2::TokenTree::Group(g) => {
            g.stream().into_iter().for_each(|t| collect_idents(t, out))
        }
        _ => {}
    }
}

/// `tokens` without `#[when(...)]`-style attributes (each becomes `#[allow(dead_code)]`).
fn strip_our_attributes(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    let mut out: Vec<TokenTree> = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        if let TokenTree::Punct(p) = &tt
            && p.as_char() == '#'
            && let Some(TokenTree::Group(g)) = iter.peek()
            && g.delimiter() == Delimiter::Bracket
            && g.stream().into_iter().any(|t| {
                matches!(&t, TokenTree::Ident(i) if ATTRIBUTES.contains(&i.to_string().as_str()))
            })
        {
            iter.next();
            out.push(tt);
            let allow: proc_macro2::TokenStream = quote::quote!(allow(dead_code));
            out.push(TokenTree::Group(Group::new(Delimiter::Bracket, allow)));
            continue;
        }
        out.push(match tt {
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), strip_our_attributes(g.stream()));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            other => other,
        });
    }
    out.into_iter().collect()
}

fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::Const(i) => Some(&mut i.attrs),
        Item::Static(i) => Some(&mut i.attrs),
        Item::Mod(i) => Some(&mut i.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}

fn parse_cond(attr: &Attribute, name: &str) -> syn::Result<CondAttr> {
    let kind = cond_kind(name)
        .ok_or_else(|| syn::Error::new_spanned(attr, "unknown handler attribute"))?;
    let ident = attr
        .path()
        .segments
        .last()
        .map(|s| s.ident.clone())
        .unwrap_or_else(|| Ident::new(name, Span::call_site()));
    let args: Vec<LitStr> = match &attr.meta {
        syn::Meta::Path(_) => Vec::new(),
        syn::Meta::List(_) => {
            let exprs =
                attr.parse_args_with(Punctuated::<syn::Expr, Token![,]>::parse_terminated)?;
            let what = match kind {
                CondKind::Hook => "hook names and patterns",
                CondKind::FileChanged => "paths",
                CondKind::Action => "action names",
                _ => "flags",
            };
            let mut lits = Vec::new();
            for expr in exprs {
                match expr {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => lits.push(s),
                    other => {
                        let text = quote::ToTokens::to_token_stream(&other)
                            .to_string()
                            .replace(' ', "");
                        return Err(syn::Error::new_spanned(
                            other,
                            format!("{what} are string literals: write `#[{name}(\"{text}\")]`"),
                        ));
                    }
                }
            }
            lits
        }
        syn::Meta::NameValue(nv) => {
            return Err(syn::Error::new_spanned(
                nv,
                format!("write `#[{name}(\"...\")]`, with the flags in parentheses"),
            ));
        }
    };
    if kind == CondKind::Action && args.len() > 1 {
        return Err(syn::Error::new_spanned(
            &args[1],
            "`#[action]` names one action: write one handler per action",
        ));
    }
    if kind == CondKind::OnlyOnce && !args.is_empty() {
        return Err(syn::Error::new_spanned(
            &attr.meta,
            "`#[only_once]` takes no arguments",
        ));
    }
    if kind != CondKind::OnlyOnce && args.is_empty() {
        let what = match kind {
            CondKind::Hook => "a hook name or pattern, e.g. `#[hook(\"install\")]`",
            CondKind::FileChanged => "a path, e.g. `#[when_file_changed(\"templates/app.conf\")]`",
            CondKind::Action => {
                "the action's name from actions.yaml, e.g. `#[action(\"dump-db\")]`"
            }
            _ => "at least one flag, e.g. `#[when(\"docker.available\")]`",
        };
        return Err(syn::Error::new_spanned(
            &attr.meta,
            format!("`#[{name}]` needs {what}"),
        ));
    }
    Ok(CondAttr {
        kind,
        name: ident,
        args,
    })
}

/// What parsing the module attribute's arguments gave.
pub(crate) struct ParsedArgs {
    pub args: Args,
    /// Unknown keys and the like, each on its own token.
    pub errors: Vec<syn::Error>,
    /// False when a syntax error stopped the parse: `args` may then miss what followed, so
    /// validation must not report flags or files as unknown (they may be declared there).
    pub complete: bool,
}

/// Parses `Args` for `kind` from an attribute's tokens.
pub(crate) fn args(kind: Kind, tokens: proc_macro2::TokenStream) -> ParsedArgs {
    let mut errors = Vec::new();
    let parser = |input: ParseStream| Args::parse(kind, input, &mut errors);
    match syn::parse::Parser::parse2(parser, tokens) {
        Ok(args) => ParsedArgs {
            args,
            errors,
            complete: true,
        },
        Err(e) => {
            errors.push(e);
            ParsedArgs {
                args: Args::default(),
                errors,
                complete: false,
            }
        }
    }
}

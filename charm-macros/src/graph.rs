//! The flag graph: for each handler, the flags its conditions read and the flags its body can
//! set or clear, and three checks on it: a handler waiting for a charm flag nothing sets (it
//! can never run), a charm flag set that no condition reads (dead state), and a cycle of
//! handlers that wake each other with nothing that can stop them.
//!
//! The body is read with `syn::visit`: `unit.set_flag(flags::X)`, `clear_flag`,
//! `toggle_flag`, `set_flag_value`, and the facet form `unit.flags().set(flags::X)`,
//! `.clear`, `.toggle`, `.set_value`, in the handler and in the functions of the module it
//! calls. A flag argument the macro cannot name (a variable, a flag computed at run time) needs
//! `#[sets(..)]` / `#[clears(..)]` on the handler, and a declaration is checked against the
//! body: it may only add what the body does not show.
//!
//! Why errors and not warnings: stable Rust has no warning API for proc macros, and the
//! `#[deprecated]` trick words every warning as a deprecation and is silenced for
//! dependencies. Each check is an error on the author's token, with an opt-out in the
//! module's arguments: `allow(never_set("flag"), unread("flag"), cycle)`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, Ident, Item, ItemMod, LitStr, Token};

use crate::parse::{Args, CondKind, HandlerFn, Kind};
use crate::validate::{FlagCheck, Known};

/// Opt-outs of the graph checks, from `allow(...)` in the module's arguments.
#[derive(Default)]
pub(crate) struct Allow {
    pub never_set: Vec<LitStr>,
    pub unread: Vec<LitStr>,
    pub cycle: bool,
}

/// Parses `allow(never_set("a"), unread("b"), cycle)` (after the `allow` key).
/// An unknown check is an error in `errors`; parsing goes on after it.
pub(crate) fn parse_allow(
    input: ParseStream,
    allow: &mut Allow,
    errors: &mut Vec<syn::Error>,
) -> syn::Result<()> {
    let content;
    syn::parenthesized!(content in input);
    while !content.is_empty() {
        let key: Ident = content.parse()?;
        match key.to_string().as_str() {
            "never_set" | "unread" => {
                let inner;
                syn::parenthesized!(inner in content);
                let lits = Punctuated::<LitStr, Token![,]>::parse_terminated(&inner)?;
                if key == "never_set" {
                    allow.never_set.extend(lits);
                } else {
                    allow.unread.extend(lits);
                }
            }
            "cycle" => allow.cycle = true,
            other => {
                errors.push(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown check `{other}` in `allow(...)`; the flag graph's checks are \
                         `never_set(\"flag\", ...)`, `unread(\"flag\", ...)` and `cycle`"
                    ),
                ));
                while !content.is_empty() && !content.peek(Token![,]) {
                    content.parse::<TokenTree>()?;
                }
            }
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(())
}

/// `#[sets(..)]` / `#[clears(..)]` of one function.
#[derive(Default, Clone)]
pub(crate) struct Declared {
    pub sets: Vec<LitStr>,
    pub clears: Vec<LitStr>,
    /// The attribute's name, for errors.
    pub at: Option<Span>,
}

fn is_decl_attr(attr: &syn::Attribute) -> Option<bool> {
    match attr.path().segments.last()?.ident.to_string().as_str() {
        "sets" => Some(true),
        "clears" => Some(false),
        _ => None,
    }
}

/// Takes `#[sets]` / `#[clears]` off the module's functions (before the handlers are read).
pub(crate) fn take_declarations(
    module: &mut ItemMod,
    errors: &mut Vec<syn::Error>,
) -> BTreeMap<String, Declared> {
    let mut out: BTreeMap<String, Declared> = BTreeMap::new();
    let Some((_, items)) = &mut module.content else {
        return out;
    };
    for item in items.iter_mut() {
        let Item::Fn(func) = item else { continue };
        let ident = func.sig.ident.to_string();
        let is_handler = func
            .attrs
            .iter()
            .any(|a| crate::parse::our_attribute(a).is_some());
        func.attrs.retain(|attr| {
            let Some(sets) = is_decl_attr(attr) else {
                return true;
            };
            let name = if sets { "sets" } else { "clears" };
            if !is_handler {
                errors.push(syn::Error::new_spanned(
                    attr.path(),
                    format!(
                        "`#[{name}]` goes on a handler (a `fn` with `#[when]` & co.): it says what \
                         that handler sets or clears; put it on the handlers that call `{ident}`"
                    ),
                ));
                return false;
            }
            match attr.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated) {
                Ok(lits) if !lits.is_empty() => {
                    let d = out.entry(ident.clone()).or_default();
                    d.at.get_or_insert(
                        attr.path()
                            .segments
                            .last()
                            .map_or_else(Span::call_site, |s| s.ident.span()),
                    );
                    if sets {
                        d.sets.extend(lits);
                    } else {
                        d.clears.extend(lits);
                    }
                }
                _ => errors.push(syn::Error::new_spanned(
                    attr,
                    format!("write `#[{name}(\"flag\", ...)]`: the flags as string literals"),
                )),
            }
            false
        });
    }
    out
}

/// What a flag argument names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FlagRef {
    /// A flag or pattern (`worker.*`) this macro knows by name.
    Named(String),
    /// A constant of a layer this macro cannot see: `flags::X`, evaluated in const code.
    Foreign(String),
    /// A pattern of such a layer (`flags::P.with(..)`): left out of the registry.
    ForeignPattern,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Set,
    Clear,
    Toggle,
}

/// What one function's body shows.
#[derive(Default)]
struct Facts {
    sets: BTreeSet<FlagRef>,
    clears: BTreeSet<FlagRef>,
    /// Flag calls whose argument the macro cannot name.
    unresolved: Vec<Span>,
    /// Functions of the module it calls.
    calls: BTreeSet<String>,
    /// Flags it names in code other than a set or clear (e.g. `flags().is_set`): reads.
    reads: BTreeSet<String>,
    /// Passes the unit to a function outside the module: it may set flags unseen.
    external: bool,
}

/// Constant name -> flag name (or pattern) for every flag this module knows by name.
struct Table {
    consts: BTreeMap<String, String>,
    module_fns: BTreeSet<String>,
    /// Layer constants met, with the author's tokens (and spans): a misspelt one is then
    /// rustc's error once, where the author wrote it.
    foreign: std::cell::RefCell<BTreeMap<String, TokenStream>>,
}

impl Table {
    /// What `expr` names as a flag; `bindings`: the function's `let x = flags::X;` so far.
    fn resolve(&self, expr: &Expr, bindings: &BTreeMap<String, FlagRef>) -> Option<FlagRef> {
        match expr {
            Expr::Reference(r) => self.resolve(&r.expr, bindings),
            Expr::Paren(p) => self.resolve(&p.expr, bindings),
            Expr::Try(t) => self.resolve(&t.expr, bindings),
            Expr::Path(p)
                if p.path
                    .get_ident()
                    .is_some_and(|i| bindings.contains_key(&i.to_string())) =>
            {
                p.path
                    .get_ident()
                    .and_then(|i| bindings.get(&i.to_string()))
                    .cloned()
            }
            // `flags::WORKER.with(part)`: the pattern.
            // A layer's pattern: no name to give the registry, and nothing to declare.
            Expr::MethodCall(m) if m.method == "with" => {
                match self.resolve(&m.receiver, bindings)? {
                    FlagRef::Named(n) => Some(FlagRef::Named(n)),
                    FlagRef::Foreign(_) | FlagRef::ForeignPattern => Some(FlagRef::ForeignPattern),
                }
            }
            Expr::Path(p) if p.qself.is_none() => {
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let last = segs.last()?;
                if let Some(name) = self.consts.get(last)
                    && (segs.len() == 1 || segs[segs.len() - 2] == "flags")
                {
                    return Some(FlagRef::Named(name.clone()));
                }
                if segs.len() >= 2 && segs[segs.len() - 2] == "flags" {
                    let text = p.path.to_token_stream().to_string();
                    self.foreign
                        .borrow_mut()
                        .entry(text.clone())
                        .or_insert_with(|| p.path.to_token_stream());
                    return Some(FlagRef::Foreign(text));
                }
                None
            }
            _ => None,
        }
    }
}

struct Visitor<'a> {
    table: &'a Table,
    unit: Option<String>,
    facts: Facts,
    /// `let worker = flags::WORKER.with(..)?;`: the flag a local names.
    bindings: BTreeMap<String, FlagRef>,
}

fn flag_op(method: &str, facet: bool) -> Option<Op> {
    Some(match (method, facet) {
        ("set_flag" | "set_flag_value", false) | ("set" | "set_value", true) => Op::Set,
        ("clear_flag", false) | ("clear", true) => Op::Clear,
        ("toggle_flag", false) | ("toggle", true) => Op::Toggle,
        _ => return None,
    })
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let facet =
            matches!(&*m.receiver, Expr::MethodCall(r) if r.method == "flags" && r.args.is_empty());
        let op = flag_op(&m.method.to_string(), facet);
        if let (Some(op), Some(arg)) = (op, m.args.first()) {
            self.visit_expr(&m.receiver);
            match self.table.resolve(arg, &self.bindings) {
                Some(flag) => {
                    if matches!(op, Op::Set | Op::Toggle) {
                        self.facts.sets.insert(flag.clone());
                    }
                    if matches!(op, Op::Clear | Op::Toggle) {
                        self.facts.clears.insert(flag);
                    }
                    // `.with(part)`'s argument may hold more code.
                    if let Expr::Try(t) = arg
                        && let Expr::MethodCall(w) = &*t.expr
                    {
                        w.args.iter().for_each(|a| self.visit_expr(a));
                    }
                }
                // A string is no flag of ours (the runtime takes only typed flags): the
                // author's own `set_flag`.
                None if matches!(arg, Expr::Lit(_) | Expr::Macro(_))
                    || matches!(arg, Expr::Reference(r) if matches!(&*r.expr, Expr::Lit(_) | Expr::Macro(_))) =>
                    {}
                None => {
                    self.facts.unresolved.push(syn::spanned::Spanned::span(arg));
                    self.visit_expr(arg);
                }
            }
            m.args.iter().skip(1).for_each(|a| self.visit_expr(a));
            return;
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let single = p.path.get_ident().map(Ident::to_string);
            match single {
                Some(name) if self.table.module_fns.contains(&name) => {
                    self.facts.calls.insert(name);
                }
                _ => {
                    let passes_unit = c.args.iter().any(|a| {
                        let a = match a {
                            Expr::Reference(r) => &*r.expr,
                            other => other,
                        };
                        matches!(a, Expr::Path(p) if p.path.get_ident().map(Ident::to_string) == self.unit)
                    });
                    self.facts.external |= passes_unit;
                }
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        syn::visit::visit_local(self, local);
        let pat = match &local.pat {
            syn::Pat::Type(t) => &*t.pat,
            other => other,
        };
        if let syn::Pat::Ident(id) = pat {
            let name = id.ident.to_string();
            match local
                .init
                .as_ref()
                .and_then(|init| self.table.resolve(&init.expr, &self.bindings))
            {
                Some(flag) => {
                    self.bindings.insert(name, flag);
                }
                // A new `let` of the name shadows the flag.
                None => {
                    self.bindings.remove(&name);
                }
            }
        }
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        let expr = Expr::Path(p.clone());
        if let Some(FlagRef::Named(name)) = self.table.resolve(&expr, &self.bindings) {
            self.facts.reads.insert(name);
        }
        if let Some(name) = p.path.get_ident().map(Ident::to_string)
            && self.table.module_fns.contains(&name)
        {
            self.facts.calls.insert(name); // a function used as a value
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `format!`, `assert!(...)`: their arguments are expressions when they parse so.
        match mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            Ok(exprs) => exprs.iter().for_each(|e| self.visit_expr(e)),
            Err(_) => scan_tokens(mac.tokens.clone(), self.table, &mut self.facts.reads),
        }
    }
}

/// `flags :: X` in tokens that are no expression: counted as reads.
fn scan_tokens(tokens: TokenStream, table: &Table, reads: &mut BTreeSet<String>) {
    let mut prev: Vec<String> = Vec::new();
    for tt in tokens {
        match tt {
            TokenTree::Group(g) => scan_tokens(g.stream(), table, reads),
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if prev.len() >= 3
                    && prev[prev.len() - 3] == "flags"
                    && let Some(name) = table.consts.get(&s)
                {
                    reads.insert(name.clone());
                }
                prev.push(s);
            }
            TokenTree::Punct(p) => prev.push(p.as_char().to_string()),
            TokenTree::Literal(_) => prev.push(String::new()),
        }
    }
}

fn first_param(sig: &syn::Signature) -> Option<String> {
    match sig.inputs.first()? {
        syn::FnArg::Typed(pt) => match &*pt.pat {
            syn::Pat::Ident(id) => Some(id.ident.to_string()),
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    }
}

/// One handler in the graph: what it reads, sets and clears, by flag name.
pub(crate) struct Node {
    pub sets: BTreeSet<String>,
    pub clears: BTreeSet<String>,
    /// Constants of layers the macro cannot see (path text -> the author's path), for the
    /// registry.
    pub foreign_sets: BTreeMap<String, TokenStream>,
    pub foreign_clears: BTreeMap<String, TokenStream>,
}

/// The graph of a module, for the registry.
pub(crate) struct Graph {
    /// Per handler, in the order of `handlers`.
    pub nodes: Vec<Node>,
    /// Const checks of layer flags a condition waits for.
    pub deferred: TokenStream,
}

/// Builds the graph of `handlers` and runs the checks; errors go to `errors`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyse(
    kind: Kind,
    known: &Known,
    args: &Args,
    allow: &Allow,
    module: &ItemMod,
    handlers: &[HandlerFn],
    declared: &BTreeMap<String, Declared>,
    errors: &mut Vec<syn::Error>,
) -> Graph {
    let clean = errors.is_empty() && known.complete;
    // An opt-out names a flag the module knows.
    for lit in allow.never_set.iter().chain(&allow.unread) {
        if let Err(e) = known.check_flag(lit) {
            errors.push(e);
        }
    }
    let own: BTreeSet<String> = args.flags.iter().map(LitStr::value).collect();
    let mut consts: BTreeMap<String, String> = BTreeMap::new();
    for name in known.flags.iter().chain(own.iter()) {
        consts.insert(crate::names::constant_name(name), name.clone());
    }
    let mut module_fns = BTreeSet::new();
    let mut bodies: BTreeMap<String, &syn::ItemFn> = BTreeMap::new();
    if let Some((_, items)) = &module.content {
        for item in items {
            if let Item::Fn(f) = item {
                module_fns.insert(f.sig.ident.to_string());
                bodies.insert(f.sig.ident.to_string(), f);
            }
        }
    }
    for h in handlers {
        bodies.insert(h.func.sig.ident.to_string(), &h.func);
    }
    let table = Table {
        consts,
        module_fns,
        foreign: Default::default(),
    };
    let mut facts: BTreeMap<String, Facts> = BTreeMap::new();
    for (name, f) in &bodies {
        let mut v = Visitor {
            table: &table,
            unit: first_param(&f.sig),
            facts: Facts::default(),
            bindings: BTreeMap::new(),
        };
        v.visit_block(&f.block);
        facts.insert(name.clone(), v.facts);
    }
    // Everything a function does, with the functions of the module it calls.
    let reach = |start: &str| -> Vec<&Facts> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![start];
        let mut out = Vec::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(f) = facts.get(n) {
                out.push(f);
                stack.extend(f.calls.iter().map(String::as_str));
            }
        }
        out
    };
    let mut nodes = Vec::new();
    let mut external_handlers: Vec<String> = Vec::new();
    let mut code_reads: BTreeSet<String> = BTreeSet::new();
    for f in facts.values() {
        code_reads.extend(f.reads.iter().cloned());
    }
    for h in handlers {
        let ident = h.func.sig.ident.to_string();
        let all = reach(&ident);
        let mut node = Node {
            sets: BTreeSet::new(),
            clears: BTreeSet::new(),
            foreign_sets: BTreeMap::new(),
            foreign_clears: BTreeMap::new(),
        };
        let mut unresolved = Vec::new();
        let mut external = false;
        for f in &all {
            for (from, named, foreign) in [
                (&f.sets, &mut node.sets, &mut node.foreign_sets),
                (&f.clears, &mut node.clears, &mut node.foreign_clears),
            ] {
                for r in from {
                    match r {
                        FlagRef::Named(n) => {
                            named.insert(n.clone());
                        }
                        FlagRef::Foreign(p) => {
                            if let Some(tokens) = table.foreign.borrow().get(p) {
                                foreign.insert(p.clone(), tokens.clone());
                            }
                        }
                        FlagRef::ForeignPattern => {}
                    }
                }
            }
            unresolved.extend(f.unresolved.iter().copied());
            external |= f.external;
        }
        let decl = declared.get(&ident).cloned().unwrap_or_default();
        if external {
            external_handlers.push(format!("`{ident}`"));
        }
        let dynamic = !unresolved.is_empty() || external;
        for (lits, seen, what) in [
            (&decl.sets, &node.sets, "sets"),
            (&decl.clears, &node.clears, "clears"),
        ] {
            for lit in lits {
                match known.check_flag(lit) {
                    Ok(FlagCheck::Known) => {}
                    Ok(FlagCheck::Deferred(_) | FlagCheck::Interface(_)) => {}
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                }
                let name = lit.value();
                if seen.contains(&name) {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "`{ident}` {what} `{name}` in its body, where the flag graph sees it: \
                             remove it from `#[{what}(...)]`, which is for what the body does not show"
                        ),
                    ));
                } else if !dynamic {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "`#[{what}(\"{name}\")]` on `{ident}`, but its body never {} it: every \
                             flag call of the body names its flag and it calls nothing outside the \
                             module with the unit; remove the declaration, or make the body do what it says",
                            if what == "sets" { "sets" } else { "clears" }
                        ),
                    ));
                }
            }
        }
        if decl.sets.is_empty() && decl.clears.is_empty() && clean {
            for span in &unresolved {
                errors.push(syn::Error::new(
                    *span,
                    format!(
                        "the flag graph cannot tell which flag this is (it reads `flags::X` \
                         constants, `flags::P.with(..)` and locals bound to them): declare what `{ident}` can set or clear \
                         with `#[sets(\"flag\", ...)]` / `#[clears(\"flag\", ...)]` on the handler"
                    ),
                ));
            }
        }
        node.sets.extend(decl.sets.iter().map(LitStr::value));
        node.clears.extend(decl.clears.iter().map(LitStr::value));
        nodes.push(node);
    }

    // A declaration missing or wrong: the graph is not complete, check nothing on it.
    let clean = clean && errors.is_empty();

    // Flags that triggers set (and read).
    let mut trigger_sets: BTreeSet<String> = BTreeSet::new();
    let mut trigger_reads: BTreeSet<String> = BTreeSet::new();
    for t in &args.triggers {
        trigger_sets.extend(t.set.iter().map(LitStr::value));
        trigger_reads.insert(t.when.value());
    }
    let matches_pattern = |pattern: &str, name: &str| match pattern.split_once('*') {
        Some((a, b)) => name.len() > a.len() + b.len() && name.starts_with(a) && name.ends_with(b),
        None => pattern == name,
    };
    let set_by = |flag: &str, except: Option<usize>| -> bool {
        trigger_sets.iter().any(|s| matches_pattern(s, flag))
            || nodes
                .iter()
                .enumerate()
                .any(|(i, n)| Some(i) != except && n.sets.iter().any(|s| matches_pattern(s, flag)))
    };
    let is_own = |flag: &str| own.iter().any(|o| matches_pattern(o, flag));
    let allowed = |list: &[LitStr], flag: &str| list.iter().any(|l| l.value() == flag);

    let p = quote!(::charm_core::__private);
    let layer_refs: Vec<TokenStream> = args.layers.iter().map(|l| quote!(&#l::LAYER)).collect();
    let mut deferred = TokenStream::new();
    let mut deferred_seen: BTreeSet<String> = BTreeSet::new();

    // 1. A handler waiting for a flag nothing sets.
    for (i, h) in handlers.iter().enumerate() {
        for cond in &h.conds {
            if !matches!(cond.kind, CondKind::All | CondKind::Any) {
                continue;
            }
            let never: Vec<&LitStr> = cond
                .args
                .iter()
                .filter(|l| {
                    let f = l.value();
                    !set_by(&f, Some(i)) && !allowed(&allow.never_set, &f)
                })
                .collect();
            // `when_any`: one flag that can be set is enough.
            if cond.kind == CondKind::Any && never.len() < cond.args.len() {
                continue;
            }
            for lit in never {
                let f = lit.value();
                let ident = &h.func.sig.ident;
                let unseen = match external_handlers.as_slice() {
                    [] => String::new(),
                    some => {
                        let shown: Vec<&str> = some.iter().take(3).map(String::as_str).collect();
                        let more = match some.len() {
                            n if n > 3 => format!(" and {} more", n - 3),
                            _ => String::new(),
                        };
                        format!(
                            " ({}{more} pass the unit to code outside the module, which the macro \
                             does not read: if that sets it, declare it there)",
                            shown.join(", ")
                        )
                    }
                };
                let msg = format!(
                    "`{ident}` waits for `{f}`, but nothing sets it: no other handler of this {} \
                     sets it (`set_flag(flags::{})`) and no trigger does, so `{ident}` can never \
                     run; set it where it becomes true, declare `#[sets(\"{f}\")]` on a handler \
                     that sets it through code the macro cannot see{unseen}, or opt out with \
                     `allow(never_set(\"{f}\"))`",
                    if kind == Kind::Charm {
                        "charm"
                    } else {
                        "layer"
                    },
                    crate::names::constant_name(&f)
                );
                let layer_flag = matches!(known.check_flag(lit), Ok(FlagCheck::Deferred(_)))
                    || is_builtin_layer_flag(args, &f);
                if is_own(&f) {
                    if clean {
                        errors.push(syn::Error::new(lit.span(), msg));
                    }
                } else if layer_flag {
                    // A layer's flag: the layers' registries say what they set.
                    if !clean || !deferred_seen.insert(f.clone()) || layer_refs.is_empty() {
                        continue;
                    }
                    let msg = format!(
                        "`{ident}` waits for `{f}`, but no handler or trigger of the layers sets \
                         it, nor does this {}: `{ident}` can never run; opt out with \
                         `allow(never_set(\"{f}\"))` if code the registry cannot see sets it",
                        if kind == Kind::Charm {
                            "charm"
                        } else {
                            "layer"
                        },
                    );
                    deferred.extend(quote::quote_spanned! {lit.span()=>
                        const _: () = if #p::layers_declare(&[#(#layer_refs),*], #lit)
                            && !#p::layers_set(&[#(#layer_refs),*], #lit)
                        {
                            ::core::panic!(#msg)
                        };
                    });
                }
            }
        }
    }

    // 2. A charm flag set that nothing reads.
    if kind == Kind::Charm && clean {
        let mut cond_reads: BTreeSet<String> = trigger_reads.clone();
        for h in handlers {
            for c in &h.conds {
                if matches!(
                    c.kind,
                    CondKind::All | CondKind::Any | CondKind::None | CondKind::NotAll
                ) {
                    cond_reads.extend(c.args.iter().map(LitStr::value));
                }
            }
        }
        for lit in &args.flags {
            let f = lit.value();
            let set = set_by(&f, None);
            let read = cond_reads.iter().any(|r| matches_pattern(&f, r)) || code_reads.contains(&f);
            if set && !read && !allowed(&allow.unread, &f) {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "flag `{f}` is set but nothing reads it: no condition (`#[when]` & co.), \
                         trigger or `flags().is_set` of this charm names it, so setting it changes \
                         nothing (dead state); wait for it in a handler, remove it, or, when it is \
                         there for someone else to see (an operator, a test), opt out with \
                         `allow(unread(\"{f}\"))`"
                    ),
                ));
            }
        }
    }

    // 3. A cycle of handlers with no guard.
    if clean && !allow.cycle {
        check_cycles(handlers, &nodes, args, errors);
    }
    Graph { nodes, deferred }
}

fn is_builtin_layer_flag(args: &Args, flag: &str) -> bool {
    args.layers
        .iter()
        .any(|l| crate::validate::builtin_layer_flags(l).is_some_and(|list| list.contains(&flag)))
}

/// A handler's flag conditions, by kind.
struct Conds {
    all: BTreeSet<String>,
    any: Vec<BTreeSet<String>>,
    none: BTreeSet<String>,
    not_all: Vec<BTreeSet<String>>,
    /// `only_once`, `hook`, `when_file_changed`: runs at most once per change of something the
    /// cycle does not touch.
    bounded: bool,
}

fn conds(h: &HandlerFn) -> Conds {
    let mut c = Conds {
        all: BTreeSet::new(),
        any: Vec::new(),
        none: BTreeSet::new(),
        not_all: Vec::new(),
        bounded: false,
    };
    for cond in &h.conds {
        let names: BTreeSet<String> = cond.args.iter().map(LitStr::value).collect();
        match cond.kind {
            CondKind::All => c.all.extend(names),
            CondKind::None => c.none.extend(names),
            CondKind::Any => c.any.push(names),
            CondKind::NotAll => c.not_all.push(names),
            CondKind::Hook | CondKind::Action | CondKind::OnlyOnce | CondKind::FileChanged => {
                c.bounded = true
            }
        }
    }
    c
}

/// Effects of a handler with the triggers its changes fire (to a fixed point).
fn effects(node: &Node, args: &Args) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut sets, mut clears) = (node.sets.clone(), node.clears.clone());
    loop {
        let before = sets.len() + clears.len();
        for t in &args.triggers {
            let when = t.when.value();
            let fires = if t.on_set {
                sets.contains(&when)
            } else {
                clears.contains(&when)
            };
            if fires {
                sets.extend(t.set.iter().map(LitStr::value));
                clears.extend(t.clear.iter().map(LitStr::value));
            }
        }
        if sets.len() + clears.len() == before {
            return (sets, clears);
        }
    }
}

/// Finds elementary cycles of "wakes" edges (bounded) and reports each one with no guard.
fn check_cycles(handlers: &[HandlerFn], nodes: &[Node], args: &Args, errors: &mut Vec<syn::Error>) {
    let n = handlers.len();
    let cs: Vec<Conds> = handlers.iter().map(conds).collect();
    let eff: Vec<(BTreeSet<String>, BTreeSet<String>)> =
        nodes.iter().map(|node| effects(node, args)).collect();
    // a wakes b: a sets a flag b needs set, or clears one b needs unset.
    let wakes = |a: usize, b: usize| -> bool {
        let (s, c) = &eff[a];
        let cb = &cs[b];
        s.iter()
            .any(|f| cb.all.contains(f) || cb.any.iter().any(|l| l.contains(f)))
            || c.iter()
                .any(|f| cb.none.contains(f) || cb.not_all.iter().any(|l| l.contains(f)))
    };
    let edges: Vec<Vec<usize>> = (0..n)
        .map(|a| (0..n).filter(|&b| b != a && wakes(a, b)).collect())
        .collect();
    let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
    let mut budget = 10_000usize;
    for start in 0..n {
        let mut path = vec![start];
        let mut iters = vec![0usize];
        while let Some(&top) = path.last() {
            if budget == 0 {
                return;
            }
            budget -= 1;
            let k = iters.last_mut().map(|i| {
                *i += 1;
                *i - 1
            });
            let Some(&next) = k.and_then(|k| edges[top].get(k)) else {
                path.pop();
                iters.pop();
                continue;
            };
            if next == start && path.len() >= 2 {
                let mut key = path.clone();
                key.sort_unstable();
                if !reported.contains(&key) && !guarded(&path, &cs, &eff) {
                    reported.insert(key);
                    report_cycle(&path, handlers, &eff, errors);
                }
            } else if next > start && !path.contains(&next) && path.len() < 8 {
                path.push(next);
                iters.push(0);
            }
        }
    }
}

/// Whether something in the cycle stops it: a bounded handler; a flag the cycle only sets
/// that one of its handlers forbids, or only clears that one requires; or two handlers
/// whose conditions on a flag the cycle never touches cannot both hold.
fn guarded(cycle: &[usize], cs: &[Conds], eff: &[(BTreeSet<String>, BTreeSet<String>)]) -> bool {
    let mut sets: BTreeSet<&String> = BTreeSet::new();
    let mut clears: BTreeSet<&String> = BTreeSet::new();
    for &h in cycle {
        sets.extend(eff[h].0.iter());
        clears.extend(eff[h].1.iter());
    }
    let only_set = |f: &String| sets.contains(f) && !clears.contains(f);
    let only_cleared = |f: &String| clears.contains(f) && !sets.contains(f);
    let untouched = |f: &String| !sets.contains(f) && !clears.contains(f);
    let mut need_set: BTreeSet<&String> = BTreeSet::new();
    let mut need_unset: BTreeSet<&String> = BTreeSet::new();
    for &h in cycle {
        let c = &cs[h];
        if c.bounded
            || c.none.iter().any(only_set)
            || c.all.iter().any(only_cleared)
            || c.any.iter().any(|l| l.iter().all(only_cleared))
            || c.not_all.iter().any(|l| l.iter().all(only_set))
        {
            return true;
        }
        need_set.extend(c.all.iter().filter(|f| untouched(f)));
        need_unset.extend(c.none.iter().filter(|f| untouched(f)));
    }
    need_set.intersection(&need_unset).next().is_some()
}

fn report_cycle(
    cycle: &[usize],
    handlers: &[HandlerFn],
    eff: &[(BTreeSet<String>, BTreeSet<String>)],
    errors: &mut Vec<syn::Error>,
) {
    let names: Vec<String> = cycle
        .iter()
        .chain(cycle.first())
        .map(|&i| format!("`{}`", handlers[i].func.sig.ident))
        .collect();
    let mut changes = Vec::new();
    for &i in cycle {
        let (s, c) = &eff[i];
        let s: Vec<String> = s.iter().map(|f| format!("+{f}")).collect();
        let c: Vec<String> = c.iter().map(|f| format!("-{f}")).collect();
        changes.push(format!(
            "`{}` {}",
            handlers[i].func.sig.ident,
            s.into_iter().chain(c).collect::<Vec<_>>().join(" ")
        ));
    }
    let first = &handlers[cycle[0]].func.sig.ident;
    errors.push(syn::Error::new(
        first.span(),
        format!(
            "handlers {} wake each other forever: each one's flag changes ({}) enable the next, \
             and nothing in the cycle stops it (no `#[only_once]`, no flag it sets for good that \
             one of them forbids, no flag it never touches that keeps them apart); the hook \
             would fail at run time with \"dispatch does not settle\"; guard one handler with a \
             flag the cycle does not undo, or opt out with `allow(cycle)`",
            names.join(" -> "),
            changes.join("; ")
        ),
    ));
}

/// The registry's `sets` and `clears` of a handler: names as literals, layer constants the
/// macro cannot name as `flags::X.name()` (const).
pub(crate) fn registry_effects(node: &Node) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let side = |named: &BTreeSet<String>, foreign: &BTreeMap<String, TokenStream>| {
        let mut out: Vec<TokenStream> = named.iter().map(|n| quote!(#n)).collect();
        for path in foreign.values() {
            out.push(quote!(#path.name()));
        }
        out
    };
    (
        side(&node.sets, &node.foreign_sets),
        side(&node.clears, &node.foreign_clears),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut consts = BTreeMap::new();
        for name in ["app.running", "app.stale", "app.worker.*"] {
            consts.insert(crate::names::constant_name(name), name.to_owned());
        }
        Table {
            consts,
            module_fns: ["helper".to_owned()].into_iter().collect(),
            foreign: Default::default(),
        }
    }

    fn facts(body: syn::Block) -> Facts {
        let t = table();
        let mut v = Visitor {
            table: &t,
            unit: Some("unit".to_owned()),
            facts: Facts::default(),
            bindings: BTreeMap::new(),
        };
        v.visit_block(&body);
        v.facts
    }

    fn named(set: &BTreeSet<FlagRef>) -> Vec<String> {
        set.iter()
            .filter_map(|r| match r {
                FlagRef::Named(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_facet_form_and_the_unit_methods_are_both_read() {
        let f = facts(syn::parse_quote!({
            unit.flags().set(flags::APP_RUNNING);
            unit.flags().clear(flags::APP_STALE);
            unit.flags().toggle(flags::APP_STALE, true);
            unit.flags().set_value(flags::APP_RUNNING, 3);
        }));
        assert_eq!(named(&f.sets), ["app.running", "app.stale"]);
        assert_eq!(named(&f.clears), ["app.stale"]);
        assert!(f.unresolved.is_empty());
        let f = facts(syn::parse_quote!({
            unit.set_flag(flags::APP_RUNNING);
            unit.set_flag_value(flags::APP_STALE, "x");
            unit.clear_flag(&flags::APP_WORKER.with("blue")?);
            unit.toggle_flag(flags::APP_STALE, false);
        }));
        assert_eq!(named(&f.sets), ["app.running", "app.stale"]);
        assert_eq!(named(&f.clears), ["app.stale", "app.worker.*"]);
    }

    #[test]
    fn reads_calls_and_what_cannot_be_named() {
        let f = facts(syn::parse_quote!({
            if unit.flags().is_set(flags::APP_STALE) || unit.is_flag_set(flags::APP_RUNNING) {
                helper(unit);
            }
            assert!(unit.flags().all_set([flags::APP_RUNNING]));
            let worker = flags::APP_WORKER.with("blue")?;
            unit.flags().clear(&worker);
            let flag = pick();
            unit.flags().set(flag);
            notes.set_flag("a string is no flag of ours");
            crate::outside(unit);
        }));
        assert_eq!(
            f.reads.iter().map(String::as_str).collect::<Vec<_>>(),
            ["app.running", "app.stale", "app.worker.*"]
        );
        assert!(f.calls.contains("helper"));
        assert_eq!(f.unresolved.len(), 1);
        assert!(f.external);
        assert!(f.sets.is_empty());
        // A local bound to a flag is that flag.
        assert_eq!(named(&f.clears), ["app.worker.*"]);
    }

    #[test]
    fn a_cycle_is_guarded_by_a_flag_it_only_sets_or_one_it_never_touches() {
        let c = |all: &[&str], none: &[&str]| Conds {
            all: all.iter().map(|s| (*s).to_owned()).collect(),
            any: Vec::new(),
            none: none.iter().map(|s| (*s).to_owned()).collect(),
            not_all: Vec::new(),
            bounded: false,
        };
        let e = |s: &[&str], c: &[&str]| {
            (
                s.iter().map(|x| (*x).to_owned()).collect::<BTreeSet<_>>(),
                c.iter().map(|x| (*x).to_owned()).collect::<BTreeSet<_>>(),
            )
        };
        // start: when_not(x) sets x; stop: when(x) clears x.
        let cs = [c(&[], &["x"]), c(&["x"], &[])];
        let eff = [e(&["x"], &[]), e(&[], &["x"])];
        assert!(!guarded(&[0, 1], &cs, &eff));
        // stop also sets `done`, which start forbids: one round, then no more.
        let cs = [c(&[], &["x", "done"]), c(&["x"], &[])];
        let eff = [e(&["x"], &[]), e(&["done"], &["x"])];
        assert!(guarded(&[0, 1], &cs, &eff));
        // An untouched `ok` that start needs and stop forbids keeps them apart.
        let cs = [c(&["ok"], &["x"]), c(&["x"], &["ok"])];
        let eff = [e(&["x"], &[]), e(&[], &["x"])];
        assert!(guarded(&[0, 1], &cs, &eff));
    }
}

//! Stage 2: check everything, collecting every error on the user's own tokens.

use std::collections::BTreeSet;

use syn::spanned::Spanned;
use syn::{FnArg, LitStr, Pat, Type};

use crate::files::{ConfigOption, EndpointSpec, Metadata, Role};
use crate::parse::{Args, CondKind, HandlerFn, Kind};
use crate::suggest::hint;

/// Flags of the layers charm-core ships, known here so typos get a suggestion at once.
/// (A const check in the expansion keeps this list honest against the real layer.)
pub(crate) fn builtin_layer_flags(path: &syn::Path) -> Option<&'static [&'static str]> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["charm_core", "docker"] => Some(&["docker.available"]),
        _ => None,
    }
}

/// What serves an endpoint's interface: a charm-core type of the default registration, a
/// type the charm registered with `interfaces(...)`, or nothing (the untyped `Endpoint`).
pub(crate) enum Served<'a> {
    Builtin(&'static crate::interface::Builtin),
    Registered(&'a crate::interface::Registered),
    Untyped,
}

/// What serves `interface`: the charm's own registration first, then the default one.
pub(crate) fn served<'a>(regs: &'a [crate::interface::Registered], interface: &str) -> Served<'a> {
    if let Some(r) = regs.iter().find(|r| r.name == interface) {
        return Served::Registered(r);
    }
    match crate::interface::builtin(interface) {
        Some(b) => Served::Builtin(b),
        None => Served::Untyped,
    }
}

/// The path of the type serving `interface`.
pub(crate) fn interface_path(
    regs: &[crate::interface::Registered],
    interface: &str,
) -> proc_macro2::TokenStream {
    match served(regs, interface) {
        Served::Builtin(b) => {
            let ty = syn::Ident::new(b.ty, proc_macro2::Span::call_site());
            quote::quote!(::charm_core::interfaces::#ty)
        }
        Served::Registered(r) => {
            let ty = &r.ty;
            quote::quote!(#ty)
        }
        Served::Untyped => quote::quote!(::charm_core::Endpoint),
    }
}

/// The name of the Rust type a handler takes for an endpoint of `interface`.
pub(crate) fn interface_type(regs: &[crate::interface::Registered], interface: &str) -> String {
    match served(regs, interface) {
        Served::Builtin(b) => b.ty.to_owned(),
        Served::Registered(r) => {
            r.ty.segments
                .last()
                .map_or_else(String::new, |s| s.ident.to_string())
        }
        Served::Untyped => "Endpoint".to_owned(),
    }
}

/// The flag suffixes the macro knows for `interface` (a registered type's are checked in
/// const code instead).
pub(crate) fn interface_suffixes(
    regs: &[crate::interface::Registered],
    interface: &str,
    role: Role,
) -> &'static [&'static str] {
    match (served(regs, interface), role) {
        (Served::Builtin(b), Role::Requires) => b.requires.0,
        (Served::Builtin(b), Role::Provides) => b.provides.0,
        _ => &[],
    }
}

/// Remote data keys the macro knows for `interface`; `None`: any key, or a registered
/// type's, checked in const code.
pub(crate) fn interface_remote_keys(
    regs: &[crate::interface::Registered],
    interface: &str,
    role: Role,
) -> Option<&'static [&'static str]> {
    match (served(regs, interface), role) {
        (Served::Builtin(b), Role::Requires) => b.requires.1,
        (Served::Builtin(b), Role::Provides) => b.provides.1,
        _ => None,
    }
}

/// Keys Juju writes in every unit's relation data bag (charm-core's `JUJU_RELATION_KEYS`).
pub(crate) const JUJU_RELATION_KEYS: &[&str] =
    &["egress-subnets", "ingress-address", "private-address"];

/// Everything a flag name can be checked against.
pub(crate) struct Known<'a> {
    pub kind: Kind,
    pub flags: BTreeSet<String>,
    /// Declared flag patterns (`worker.*`) as prefix and suffix.
    pub patterns: Vec<(String, String)>,
    pub config: &'a [ConfigOption],
    pub endpoints: &'a [EndpointSpec],
    /// metadata.yaml's `storage:` and `containers:` names (for hook names).
    pub storage: &'a [String],
    pub containers: &'a [String],
    /// The charm's actions.
    pub actions: &'a [crate::actions::ActionSpec],
    /// Layers whose flags this macro cannot see: unknown flags are checked in const code.
    pub opaque_layers: bool,
    /// The charm's `interfaces(...)` registrations.
    pub interfaces: &'a [crate::interface::Registered],
    /// False when the arguments or the charm's files could not be read: a flag, endpoint or
    /// parameter that looks unknown may be declared there, so it is not reported (that
    /// would only cascade from the one real error).
    pub complete: bool,
}

/// What checking a flag found.
pub(crate) enum FlagCheck {
    Known,
    /// To check against the layers' `flags(...)` at compile time, in const code; the message
    /// if no layer declares it (the const check names a near layer flag first).
    Deferred(String),
    /// A flag or `changed.<key>` of an endpoint whose interface type the charm registered:
    /// checked against the type's declaration in const code (this is the check).
    Interface(proc_macro2::TokenStream),
}

impl<'a> Known<'a> {
    pub fn new(
        kind: Kind,
        args: &'a Args,
        metadata: &'a Metadata,
        config: &'a [ConfigOption],
        complete: bool,
    ) -> Self {
        let mut flags: BTreeSet<String> = BTreeSet::new();
        let mut patterns = Vec::new();
        for lit in &args.flags {
            let name = lit.value();
            match crate::names::pattern_parts(&name) {
                Some((a, b)) => patterns.push((a.to_owned(), b.to_owned())),
                None => {
                    flags.insert(name);
                }
            }
        }
        let mut opaque_layers = false;
        for layer in &args.layers {
            match builtin_layer_flags(layer) {
                Some(list) => flags.extend(list.iter().map(|s| (*s).to_owned())),
                None => opaque_layers = true,
            }
        }
        if !config.is_empty() {
            flags.insert("config.changed".to_owned());
        }
        // layer-leadership's flags, for the declared leader settings.
        if !args.leader.is_empty() {
            flags.insert("leadership.is_leader".to_owned());
        }
        for key in &args.leader {
            for family in ["set", "changed"] {
                flags.insert(format!("leadership.{family}.{}", key.value()));
            }
        }
        // Raised by the framework in pre-series-upgrade, cleared in post-series-upgrade.
        flags.insert("upgrade.series.in-progress".to_owned());
        for opt in config {
            for family in ["changed", "set", "default"] {
                flags.insert(format!("config.{family}.{}", opt.name));
            }
        }
        // Raised in `<name>-storage-attached`, dropped when the last instance detaches.
        for s in &metadata.storage {
            flags.insert(format!("storage.{s}.attached"));
        }
        for ep in &metadata.endpoints {
            for f in ["joined", "changed", "departed"] {
                flags.insert(format!("endpoint.{}.{f}", ep.name));
            }
            for suffix in interface_suffixes(&args.interfaces, &ep.interface, ep.role) {
                flags.insert(format!("{}.{suffix}", ep.name));
            }
        }
        Self {
            kind,
            flags,
            patterns,
            config,
            endpoints: &metadata.endpoints,
            storage: &metadata.storage,
            containers: &metadata.containers,
            actions: &metadata.actions,
            opaque_layers,
            interfaces: &args.interfaces,
            complete,
        }
    }

    /// For a flag of an endpoint served by a registered type, the const check of it.
    fn registered_interface_flag(&self, lit: &LitStr) -> Option<proc_macro2::TokenStream> {
        let name = lit.value();
        let p = quote::quote!(::charm_core::__private);
        let (ep, check) = if let Some(rest) = name.strip_prefix("endpoint.") {
            let (ep, key) = rest.split_once(".changed.")?;
            (ep, key)
        } else {
            name.split_once('.')?
        };
        let spec = self.endpoint(ep)?;
        let Served::Registered(reg) = served(self.interfaces, &spec.interface) else {
            return None;
        };
        let ty = &reg.ty;
        let role = match spec.role {
            Role::Provides => quote::quote!(#p::Role::Provides),
            Role::Requires => quote::quote!(#p::Role::Requires),
            Role::Peers => quote::quote!(#p::Role::Peers),
        };
        let function = if name.starts_with("endpoint.") {
            quote::quote!(interface_key_error)
        } else {
            quote::quote!(interface_flag_error)
        };
        Some(quote::quote_spanned! {lit.span()=>
            const _: () = if let ::core::option::Option::Some(msg) = #p::#function(
                &<#ty as #p::Interface>::DEF, #role, #ep, #check,
            ) {
                ::core::panic!("{}", msg.as_str())
            };
        })
    }

    fn endpoint(&self, name: &str) -> Option<&EndpointSpec> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// Checks one flag literal.
    pub fn check_flag(&self, lit: &LitStr) -> Result<FlagCheck, syn::Error> {
        let name = lit.value();
        let err = |msg: String| Err(syn::Error::new(lit.span(), msg));
        if name.is_empty() {
            return err("this flag is empty: write a flag name, e.g. `\"app.running\"`".to_owned());
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return err(format!("`{name}` is not a flag name: flags have no spaces"));
        }
        let of_pattern = self.patterns.iter().any(|(a, b)| {
            name.len() > a.len() + b.len()
                && name.starts_with(a.as_str())
                && name.ends_with(b.as_str())
        });
        if self.flags.contains(&name) || of_pattern || !self.complete {
            return Ok(FlagCheck::Known);
        }
        if let Some(check) = self.registered_interface_flag(lit) {
            return Ok(FlagCheck::Interface(check));
        }
        // A layer the macro cannot see may declare any name, even one near a known flag or
        // under an endpoint's prefix: those go to the const check, with this check's message.
        // A name the tables accept (an endpoint's `changed.<key>` of an interface we do not
        // know, say) is known whatever the layers declare.
        if self.opaque_layers {
            return match self.check_known_flag(lit) {
                Ok(known) => Ok(known),
                Err(e) => Ok(FlagCheck::Deferred(format!(
                    "{e} (no layer of `layers(...)` declares it either)"
                ))),
            };
        }
        self.check_known_flag(lit)
    }

    /// The error for a flag that is not declared, as if every layer were visible.
    fn check_known_flag(&self, lit: &LitStr) -> Result<FlagCheck, syn::Error> {
        let name = lit.value();
        let err = |msg: String| Err(syn::Error::new(lit.span(), msg));
        if let Some(rest) = name.strip_prefix("config.") {
            let keys = self.config.iter().map(|o| o.name.as_str());
            return match rest.split_once('.') {
                Some((family @ ("changed" | "set" | "default"), key)) => err(format!(
                    "unknown config option `{key}` in flag `{name}`{}",
                    hint(key, keys)
                        .replace("did you mean `", &format!("did you mean `config.{family}."))
                )),
                _ => err(format!(
                    "unknown config flag `{name}`; config flags are `config.changed`, \
                     `config.changed.<option>`, `config.set.<option>` and `config.default.<option>`"
                )),
            };
        }
        let endpoint_names = self.endpoints.iter().map(|e| e.name.as_str());
        if let Some(rest) = name.strip_prefix("endpoint.") {
            let (ep, what) = rest.split_once('.').unwrap_or((rest, ""));
            if self.endpoint(ep).is_none() {
                return err(format!(
                    "unknown endpoint `{ep}` in flag `{name}`: metadata.yaml declares no such relation{}",
                    hint(ep, endpoint_names)
                ));
            }
            if let Some(key) = what.strip_prefix("changed.").filter(|k| !k.is_empty()) {
                let Some(ep) = self.endpoint(ep) else {
                    return Ok(FlagCheck::Known);
                };
                let Some(keys) = interface_remote_keys(self.interfaces, &ep.interface, ep.role)
                else {
                    return Ok(FlagCheck::Known); // an interface we do not know: any key
                };
                if keys.contains(&key) || JUJU_RELATION_KEYS.contains(&key) {
                    return Ok(FlagCheck::Known);
                }
                let all = keys.iter().chain(JUJU_RELATION_KEYS).copied();
                return err(format!(
                    "the remote side of endpoint `{}` ({} `{}`) publishes no key `{key}`{}",
                    ep.name,
                    ep.role.as_str(),
                    ep.interface,
                    hint(key, all).replace(
                        "did you mean `",
                        &format!("did you mean `endpoint.{}.changed.", ep.name)
                    )
                ));
            }
            return err(format!(
                "endpoint `{ep}` has no flag `{name}`; endpoint flags are `endpoint.{ep}.joined`, \
                 `.changed`, `.changed.<key>` and `.departed`"
            ));
        }
        if let Some((prefix, suffix)) = name.split_once('.')
            && let Some(ep) = self.endpoint(prefix)
        {
            let flags: Vec<String> = interface_suffixes(self.interfaces, &ep.interface, ep.role)
                .iter()
                .map(|s| format!("{prefix}.{s}"))
                .collect();
            let nearest = crate::suggest::nearest(&name, flags.iter().map(String::as_str));
            let list: Vec<String> = flags.iter().map(|f| format!("`{f}`")).collect();
            // A flag the other side of the interface raises: say so.
            let other_role = match ep.role {
                Role::Provides => Some(Role::Requires),
                Role::Requires => Some(Role::Provides),
                Role::Peers => None,
            };
            if let Some(other) = other_role
                && !flags.contains(&name)
                && interface_suffixes(self.interfaces, &ep.interface, other).contains(&suffix)
            {
                let theirs = if list.is_empty() {
                    "raises no interface flags; use `endpoint.".to_owned()
                        + prefix
                        + ".joined` and friends"
                } else {
                    format!("raises {}", list.join(", "))
                };
                return err(format!(
                    "`{suffix}` is a flag of the {} side of interface `{}`, but endpoint `{prefix}` \
                     {}s it; this endpoint {theirs}",
                    other.as_str(),
                    ep.interface,
                    ep.role.as_str().trim_end_matches('s')
                ));
            }
            return err(match nearest {
                Some(best) => format!(
                    "endpoint `{prefix}` (interface `{}`) has no flag `{suffix}`; did you mean `{best}`?",
                    ep.interface
                ),
                None if list.is_empty() => format!(
                    "endpoint `{prefix}` (interface `{}`) raises no interface flags; use `endpoint.{prefix}.joined` and friends",
                    ep.interface
                ),
                None => format!(
                    "endpoint `{prefix}` (interface `{}`) has no flag `{suffix}`; its flags are {}",
                    ep.interface,
                    list.join(", ")
                ),
            });
        }
        let nearest = crate::suggest::nearest(&name, self.flags.iter().map(String::as_str));
        let declare = match self.kind {
            Kind::Charm => "declare the charm's own flags in `#[charm(flags(...))]`",
            Kind::Layer => "declare the layer's own flags in `#[layer(flags(...))]`",
        };
        match nearest {
            Some(best) => err(format!("unknown flag `{name}`; did you mean `{best}`?")),
            None if self.opaque_layers => err(format!(
                "unknown flag `{name}`: neither this module's `flags(...)`, a config option nor an \
                 endpoint provides it; check the spelling against the layers' `flags(...)`, or \
                 {declare}"
            )),
            None => err(format!(
                "unknown flag `{name}`: no declaration, layer, config option or endpoint provides it; {declare}"
            )),
        }
    }
}

/// One parameter the shim injects: the endpoint, the declared type, and whether by reference.
pub(crate) struct Injection {
    pub endpoint: String,
    pub ty: Type,
    pub by_ref: bool,
}

/// Validation results the expansion needs.
pub(crate) struct Checked {
    /// Flags for the layers' const check, with the message if no layer declares them.
    pub deferred: Vec<(LitStr, String)>,
    /// Const checks of flags of registered interface types.
    pub interface_checks: Vec<proc_macro2::TokenStream>,
    /// Per handler: whether it takes the unit (`fn f()` needs none).
    pub takes_unit: Vec<bool>,
    /// Per handler: `Some(injections)` when its signature is usable.
    pub injections: Vec<Option<Vec<Injection>>>,
}

/// Checks the handlers and arguments; pushes every error into `errors`.
pub(crate) fn check(
    known: &Known,
    args: &Args,
    handlers: &[HandlerFn],
    errors: &mut Vec<syn::Error>,
) -> Checked {
    let mut deferred = Vec::new();
    let mut interface_checks = Vec::new();
    let mut check_flag = |lit: &LitStr, errors: &mut Vec<syn::Error>| match known.check_flag(lit) {
        Ok(FlagCheck::Known) => {}
        Ok(FlagCheck::Deferred(msg)) => deferred.push((lit.clone(), msg)),
        Ok(FlagCheck::Interface(check)) => interface_checks.push(check),
        Err(e) => errors.push(e),
    };

    let mut seen_layers: Vec<String> = Vec::new();
    for layer in &args.layers {
        let text = quote::quote!(#layer).to_string().replace(' ', "");
        if seen_layers.contains(&text) {
            errors.push(syn::Error::new_spanned(
                layer,
                format!(
                    "layer `{text}` is listed twice; its handlers would register twice; \
                     remove this duplicate"
                ),
            ));
        }
        seen_layers.push(text);
    }
    let mut seen_flags: Vec<String> = Vec::new();
    for flag in &args.flags {
        let name = flag.value();
        if seen_flags.contains(&name) {
            errors.push(syn::Error::new(
                flag.span(),
                format!("flag `{name}` is declared twice; remove this duplicate"),
            ));
        } else if name.contains('*')
            && (name.matches('*').count() > 1 || name.trim_matches(['*', '.', '-', '_']).is_empty())
        {
            errors.push(syn::Error::new(
                flag.span(),
                format!(
                    "`{name}` is not a flag pattern: a pattern has one `*` (what a flag's name \
                     has at run time) and a fixed part, e.g. `worker.*`"
                ),
            ));
        } else if name.is_empty() {
            errors.push(syn::Error::new(
                flag.span(),
                "this flag is empty: declare a flag name, e.g. `\"app.running\"`, or remove it",
            ));
        } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            errors.push(syn::Error::new(
                flag.span(),
                format!(
                    "`{name}` is not a flag name: flags are non-empty and have no spaces, \
                     e.g. `app.running`"
                ),
            ));
        }
        seen_flags.push(name);
    }
    for trigger in &args.triggers {
        crate::logic::check_trigger(trigger, errors);
        for lit in std::iter::once(&trigger.when)
            .chain(&trigger.set)
            .chain(&trigger.clear)
        {
            check_flag(lit, errors);
        }
    }

    let mut injections = Vec::new();
    let mut takes_unit = Vec::new();
    for handler in handlers {
        // A flag listed twice among the handler's conditions of one family (`when` and
        // `when_all` are one family, `when_not` and `when_none` another).
        let mut seen: Vec<(CondKind, String)> = Vec::new();
        let mut condition_errors = false;
        for cond in &handler.conds {
            match cond.kind {
                CondKind::All | CondKind::Any | CondKind::None | CondKind::NotAll => {
                    for lit in &cond.args {
                        let key = (cond.kind, lit.value());
                        if seen.contains(&key) {
                            errors.push(syn::Error::new(
                                lit.span(),
                                format!(
                                    "flag `{}` is listed twice in this handler's `#[{}]` conditions; remove this duplicate",
                                    lit.value(),
                                    cond.name
                                ),
                            ));
                        }
                        seen.push(key);
                        let n = errors.len();
                        check_flag(lit, errors);
                        condition_errors |= errors.len() > n;
                    }
                }
                CondKind::Hook => {
                    for lit in &cond.args {
                        if let Err(e) = check_hook_pattern(known, lit) {
                            errors.push(e);
                        }
                    }
                }
                CondKind::FileChanged => {
                    for lit in &cond.args {
                        if let Err(e) = check_path(lit) {
                            errors.push(e);
                        }
                    }
                }
                CondKind::OnlyOnce => {}
                CondKind::Action => {
                    for lit in &cond.args {
                        if let Err(e) = check_action(known, lit) {
                            condition_errors = true;
                            errors.push(e);
                        }
                    }
                }
            }
        }
        check_combination(handler, errors);
        if !condition_errors {
            crate::logic::check_implications(known, handler, errors);
        }
        takes_unit.push(!handler.func.sig.inputs.is_empty());
        if handler.conds.iter().any(|c| c.kind == CondKind::Action) {
            injections.push(check_action_signature(handler, errors));
            continue;
        }
        injections.push(check_signature(known, handler, condition_errors, errors));
    }
    Checked {
        deferred,
        interface_checks,
        takes_unit,
        injections,
    }
}

/// `#[action("name")]` names an action of actions.yaml.
fn check_action(known: &Known, lit: &LitStr) -> Result<(), syn::Error> {
    let name = lit.value();
    if known.kind == Kind::Layer {
        return Err(syn::Error::new(
            lit.span(),
            "`#[action]` goes in the charm's module: a layer does not know the charm's actions",
        ));
    }
    if !known.complete || known.actions.iter().any(|a| a.name == name) {
        return Ok(());
    }
    let names: Vec<&str> = known.actions.iter().map(|a| a.name.as_str()).collect();
    let hint = match crate::suggest::nearest(&name, names.iter().copied()) {
        Some(near) => format!("; did you mean `{near}`?"),
        None if names.is_empty() => {
            "; the charm declares no action (add it to actions.yaml, or to `actions:` of charmcraft.yaml)"
                .to_owned()
        }
        None => format!("; the charm's actions are `{}`", names.join("`, `")),
    };
    Err(syn::Error::new(
        lit.span(),
        format!("unknown action `{name}`: actions.yaml does not declare it{hint}"),
    ))
}

/// An action handler: `fn(unit: &mut Unit[, params: actions::Name]) -> Result<()>`, and no
/// other condition (an action runs alone: see charm-core's `action` module).
fn check_action_signature(
    handler: &HandlerFn,
    errors: &mut Vec<syn::Error>,
) -> Option<Vec<Injection>> {
    let before = errors.len();
    for cond in handler.conds.iter().filter(|c| c.kind != CondKind::Action) {
        errors.push(syn::Error::new(
            cond.name.span(),
            format!(
                "`#[{}]` cannot be combined with `#[action]`: an action's handler runs when the operator runs the action, whatever the flags; test flags inside it with `unit.flags().is_set(..)`",
                cond.name
            ),
        ));
    }
    let sig = &handler.func.sig;
    if matches!(sig.output, syn::ReturnType::Default) {
        errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "handler `{}` must return `Result<()>`: add `-> Result<()>` and end it with `Ok(())`",
                sig.ident
            ),
        ));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Typed(pt)) if matches!(&*pt.ty, Type::Reference(r) if r.mutability.is_some() && type_name(&r.elem).is_some_and(|(n, _)| n == "Unit")) => {}
        Some(other) => errors.push(syn::Error::new_spanned(
            other,
            "an action handler's first parameter is the hook context: write `unit: &mut Unit` first, then the action's parameters (`params: actions::Name`)",
        )),
        None => {}
    }
    let _params = inputs.next();
    for extra in inputs {
        errors.push(syn::Error::new_spanned(
            extra,
            "an action handler takes `unit: &mut Unit` and the action's parameters (`params: actions::Name`), nothing more",
        ));
    }
    (errors.len() == before).then(Vec::new)
}

fn check_combination(handler: &HandlerFn, errors: &mut Vec<syn::Error>) {
    let has = |k: CondKind| handler.conds.iter().any(|c| c.kind == k);
    if has(CondKind::Hook) {
        for cond in &handler.conds {
            if matches!(
                cond.kind,
                CondKind::All | CondKind::Any | CondKind::None | CondKind::NotAll
            ) {
                errors.push(syn::Error::new(
                    cond.name.span(),
                    format!(
                        "`#[{}]` cannot be combined with `#[hook]`: hook handlers run in the hooks phase, \
                         flag handlers after it; split this into two handlers (the hook one can set a flag)",
                        cond.name
                    ),
                ));
            }
        }
    }
    let of = |k: CondKind| handler.conds.iter().filter(move |c| c.kind == k);
    for extra in of(CondKind::OnlyOnce).skip(1) {
        errors.push(syn::Error::new(
            extra.name.span(),
            "`#[only_once]` is given twice; remove this duplicate",
        ));
    }
    let hooks: Vec<_> = of(CondKind::Hook).collect();
    if let [_, rest @ ..] = hooks.as_slice()
        && !rest.is_empty()
    {
        let all: Vec<String> = hooks
            .iter()
            .flat_map(|c| c.args.iter())
            .map(|l| format!("{:?}", l.value()))
            .collect();
        for extra in rest {
            errors.push(syn::Error::new(
                extra.name.span(),
                format!(
                    "a second `#[hook]` on `{}`: stacked conditions must all hold, and one hook \
                     is never two; list every pattern in one attribute: `#[hook({})]`",
                    handler.func.sig.ident,
                    all.join(", ")
                ),
            ));
        }
    }
    let lits = |k: CondKind| -> Vec<&LitStr> {
        handler
            .conds
            .iter()
            .filter(|c| c.kind == k)
            .flat_map(|c| c.args.iter())
            .collect()
    };
    let required: BTreeSet<String> = lits(CondKind::All).iter().map(|l| l.value()).collect();
    let forbidden: BTreeSet<String> = lits(CondKind::None).iter().map(|l| l.value()).collect();
    for lit in lits(CondKind::None) {
        if required.contains(&lit.value()) {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "`{}` is required by `#[when]` and forbidden by `#[when_not]`: this handler can never run; remove one of them",
                    lit.value()
                ),
            ));
        }
    }
    for cond in handler.conds.iter().filter(|c| c.kind == CondKind::Any) {
        if cond.args.iter().all(|l| forbidden.contains(&l.value())) {
            errors.push(syn::Error::new(
                cond.name.span(),
                "every flag of this `#[when_any]` is forbidden by `#[when_not]`: this handler can \
                 never run; drop those flags from `#[when_not]`, or this `#[when_any]`",
            ));
        }
    }
    for cond in handler.conds.iter().filter(|c| c.kind == CondKind::NotAll) {
        if cond.args.iter().all(|l| required.contains(&l.value())) {
            errors.push(syn::Error::new(
                cond.name.span(),
                "every flag of this `#[when_not_all]` is required by `#[when]`: this handler can \
                 never run; drop those flags from `#[when]`, or this `#[when_not_all]`",
            ));
        }
    }
}

fn type_name(ty: &Type) -> Option<(String, bool)> {
    match ty {
        Type::Reference(r) if r.mutability.is_none() => type_name(&r.elem).map(|(n, _)| (n, true)),
        Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| (s.ident.to_string(), false))
        }
        _ => None,
    }
}

fn check_signature(
    known: &Known,
    handler: &HandlerFn,
    condition_errors: bool,
    errors: &mut Vec<syn::Error>,
) -> Option<Vec<Injection>> {
    let sig = &handler.func.sig;
    let before = errors.len();
    if let Some(asyncness) = &sig.asyncness {
        errors.push(syn::Error::new(
            asyncness.span(),
            "handlers are plain functions, not `async`: the framework runs async work (Docker) \
             for you; remove `async`",
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "handlers cannot be generic: the registry calls one concrete function; remove the \
             generic parameters",
        ));
    }
    if matches!(sig.output, syn::ReturnType::Default) {
        errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "handler `{}` must return `Result<()>`: add `-> Result<()>` and end it with `Ok(())`",
                sig.ident
            ),
        ));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Typed(pt)) if matches!(&*pt.ty, Type::Reference(r) if r.mutability.is_some() && type_name(&r.elem).is_some_and(|(n, _)| n == "Unit")) =>
            {}
        Some(other) => errors.push(syn::Error::new_spanned(
            other,
            "a handler's first parameter is the hook context: write `unit: &mut Unit` first; \
             endpoint parameters follow it",
        )),
        // A handler that needs nothing from the hook (it logs, or only its condition matters).
        None => {}
    }
    // Endpoints named by the handler's `when` flags, in flag order (charms.reactive's rule).
    let mut available: Vec<&EndpointSpec> = Vec::new();
    for cond in handler.conds.iter().filter(|c| c.kind == CondKind::All) {
        for lit in &cond.args {
            let flag = lit.value();
            let ep_name = flag
                .strip_prefix("endpoint.")
                .and_then(|rest| rest.split('.').next())
                .or_else(|| flag.split('.').next());
            if let Some(ep) = ep_name.and_then(|n| known.endpoint(n))
                && !available.iter().any(|e| e.name == ep.name)
            {
                available.push(ep);
            }
        }
    }
    let mut injections = Vec::new();
    let mut errors_suppressed = false;
    for (i, arg) in inputs.enumerate() {
        let FnArg::Typed(pt) = arg else { continue };
        let param = match &*pt.pat {
            Pat::Ident(id) => id.ident.to_string(),
            _ => "_".to_owned(),
        };
        let Some(ep) = available.get(i) else {
            if condition_errors || !known.complete {
                // A flag of its conditions is already reported, and may be the endpoint
                // this parameter wanted: say nothing more, register nothing.
                errors_suppressed = true;
                continue;
            }
            let names: Vec<String> = available.iter().map(|e| format!("`{}`", e.name)).collect();
            let have = if names.is_empty() {
                "this handler's `#[when]` flags name no endpoint".to_owned()
            } else {
                format!(
                    "this handler's `#[when]` flags name only {}",
                    names.join(", ")
                )
            };
            // Suggest a flag of an endpoint whose interface fits the parameter's type.
            let fix = type_name(&pt.ty)
                .and_then(|(ty, _)| {
                    known.endpoints.iter().find(|e| {
                        interface_type(known.interfaces, &e.interface) == ty
                            && !available.iter().any(|a| a.name == e.name)
                    })
                })
                .map(|e| {
                    let flag = interface_suffixes(known.interfaces, &e.interface, e.role)
                        .last()
                        .map_or_else(
                            || format!("endpoint.{}.joined", e.name),
                            |s| format!("{}.{s}", e.name),
                        );
                    format!("add `\"{flag}\"` to its `#[when]`, or remove the parameter")
                })
                .unwrap_or_else(|| "remove the parameter".to_owned());
            errors.push(syn::Error::new_spanned(
                &pt.ty,
                format!(
                    "parameter `{param}`: nothing supplies it; after `unit`, a handler receives the \
                     endpoints its `#[when]` flags name, in flag order, and {have}; {fix}"
                ),
            ));
            continue;
        };
        let expected = interface_type(known.interfaces, &ep.interface);
        match type_name(&pt.ty) {
            Some((name, by_ref)) if name == expected || name == "Endpoint" => {
                injections.push(Injection {
                    endpoint: ep.name.clone(),
                    ty: match &*pt.ty {
                        Type::Reference(r) => (*r.elem).clone(),
                        other => other.clone(),
                    },
                    by_ref,
                })
            }
            other => {
                let order = if available.len() > 1 {
                    let names: Vec<String> =
                        available.iter().map(|e| format!("`{}`", e.name)).collect();
                    let swapped = other.is_some_and(|(n, _)| {
                        available
                            .iter()
                            .any(|e| interface_type(known.interfaces, &e.interface) == n)
                    });
                    format!(
                        "; endpoints come in the order the `#[when]` flags name them ({}){}",
                        names.join(", "),
                        if swapped {
                            ": are two parameters swapped?"
                        } else {
                            ""
                        }
                    )
                } else {
                    String::new()
                };
                errors.push(syn::Error::new_spanned(
                    &pt.ty,
                    format!(
                        "parameter `{param}` receives endpoint `{}` (interface `{}`): its type must \
                         be `{expected}`, `&{expected}` or the untyped `Endpoint`{order}",
                        ep.name, ep.interface
                    ),
                ));
            }
        }
    }
    (errors.len() == before && !errors_suppressed).then_some(injections)
}

fn check_path(lit: &LitStr) -> Result<(), syn::Error> {
    let path = lit.value();
    let err = |m: &str| Err(syn::Error::new(lit.span(), format!("`{path}`: {m}")));
    if path.is_empty() {
        return err("empty path");
    }
    if path.starts_with('/') {
        return err(
            "an absolute path is not part of the charm; name a file relative to the charm \
             directory, e.g. `templates/app.conf`",
        );
    }
    if path.split('/').any(|c| c == "..") {
        return err("`..` leaves the charm directory; name a file inside it");
    }
    if path.contains('\0') {
        return err("NUL in a path");
    }
    Ok(())
}

/// Checks a `#[hook]` pattern with the expansion the runtime uses (`charm_hooks::expand`):
/// every name it can produce must be a hook Juju runs for this charm.
fn check_hook_pattern(known: &Known, lit: &LitStr) -> Result<(), syn::Error> {
    let pattern = lit.value();
    let err = |m: String| syn::Error::new(lit.span(), m);
    if let Some(action) = pattern.strip_prefix("actions/") {
        return Err(err(format!(
            "an action is not a hook: write `#[action(\"{action}\")]`, whose handler gets the \
             action's typed parameters"
        )));
    }
    let parts = charm_hooks::parse(&pattern)
        .map_err(|m| err(format!("malformed hook pattern `{pattern}`: {m}")))?;
    let has_groups = parts
        .iter()
        .flatten()
        .any(|c| matches!(c, charm_hooks::Choice::Endpoints { .. }));
    if known.kind == Kind::Layer && has_groups {
        return Ok(()); // a layer does not know the charm's endpoints
    }
    for choice in parts.iter().flatten() {
        if let charm_hooks::Choice::Endpoints { role, interface } = choice
            && !known
                .endpoints
                .iter()
                .any(|e| e.role.as_str() == role && &e.interface == interface)
        {
            return Err(err(format!(
                "`{{{role}:{interface}}}` in hook pattern `{pattern}` matches no endpoint: metadata.yaml has no `{role}` endpoint with interface `{interface}`"
            )));
        }
    }
    let names = charm_hooks::expand(&pattern, |role, interface| {
        known
            .endpoints
            .iter()
            .filter(|e| e.role.as_str() == role && e.interface == interface)
            .map(|e| e.name.clone())
            .collect()
    })
    .map_err(|m| err(format!("malformed hook pattern `{pattern}`: {m}")))?;
    let endpoint_names: Vec<&str> = known.endpoints.iter().map(|e| e.name.as_str()).collect();
    let storage: Vec<&str> = known.storage.iter().map(String::as_str).collect();
    let containers: Vec<&str> = known.containers.iter().map(String::as_str).collect();
    let valid = charm_hooks::valid_hooks(charm_hooks::Declared {
        endpoints: &endpoint_names,
        storage: &storage,
        containers: &containers,
    });
    for name in names {
        if valid.contains(&name) {
            continue;
        }
        // A layer's own hooks: unit hooks are checked; prefixed ones belong to the charm.
        if known.kind == Kind::Layer
            && ["-relation-", "-storage-", "-pebble-"]
                .iter()
                .any(|k| name.contains(k))
        {
            continue;
        }
        if let Some((ep, kind)) = name.rsplit_once("-relation-")
            && charm_hooks::RELATION_KINDS.contains(&kind)
        {
            return Err(err(format!(
                "Juju never runs `{name}`: metadata.yaml declares no endpoint `{ep}`{}",
                hint(ep, endpoint_names.iter().copied())
            )));
        }
        if let Some((store, kind)) = name.rsplit_once("-storage-")
            && charm_hooks::STORAGE_KINDS.contains(&kind)
        {
            return Err(err(format!(
                "Juju never runs `{name}`: metadata.yaml declares no storage `{store}` (under `storage:`){}",
                hint(store, storage.iter().copied())
            )));
        }
        if let Some((container, kind)) = name.split_once("-pebble-")
            && charm_hooks::WORKLOAD_KINDS.contains(&kind)
        {
            return Err(err(format!(
                "Juju never runs `{name}`: metadata.yaml declares no container `{container}` (under `containers:`){}",
                hint(container, containers.iter().copied())
            )));
        }
        return Err(err(format!(
            "Juju never runs a hook named `{name}`{}",
            hint(&name, valid.iter().map(String::as_str))
        )));
    }
    Ok(())
}

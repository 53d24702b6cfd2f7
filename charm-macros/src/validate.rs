//! Stage 2: check everything, collecting every error on the user's own tokens.

use std::collections::BTreeSet;

use syn::spanned::Spanned;
use syn::{FnArg, LitStr, Pat, Type};

use crate::files::{ConfigOption, EndpointSpec, Metadata, Role};
use crate::parse::{Args, CondKind, HandlerFn, Helpers, Kind};
use crate::suggest::hint;

/// Hooks Juju runs on a machine charm, besides relation and storage hooks.
const HOOKS: &[&str] = &[
    "install",
    "start",
    "stop",
    "remove",
    "config-changed",
    "upgrade-charm",
    "update-status",
    "leader-elected",
    "leader-settings-changed",
    "collect-metrics",
    "meter-status-changed",
    "pre-series-upgrade",
    "post-series-upgrade",
    "secret-changed",
    "secret-expired",
    "secret-remove",
    "secret-rotate",
];

const RELATION_KINDS: &[&str] = &["created", "joined", "changed", "departed", "broken"];

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

/// The Rust type a handler takes for an endpoint of `interface`.
pub(crate) fn interface_type(interface: &str) -> &'static str {
    match interface {
        "redis" => "Redis",
        "pgsql" => "Postgres",
        "http" => "Http",
        _ => "Endpoint",
    }
}

pub(crate) fn interface_suffixes(interface: &str, role: Role) -> &'static [&'static str] {
    match (interface, role) {
        ("redis", Role::Requires) => &["connected", "available"],
        ("pgsql", Role::Requires) => &["connected", "database.available"],
        ("http", Role::Provides | Role::Requires) => &["available"],
        _ => &[],
    }
}

/// Everything a flag name can be checked against.
pub(crate) struct Known<'a> {
    pub kind: Kind,
    pub flags: BTreeSet<String>,
    pub config: &'a [ConfigOption],
    pub endpoints: &'a [EndpointSpec],
    /// Layers whose flags this macro cannot see: unknown flags are checked in const code.
    pub opaque_layers: bool,
    /// False when the arguments or the charm's files could not be read: a flag, endpoint or
    /// parameter that looks unknown may be declared there, so it is not reported (that
    /// would only cascade from the one real error).
    pub complete: bool,
}

/// What checking a flag found.
pub(crate) enum FlagCheck {
    Known,
    /// To check against the layers' `FLAGS` at compile time, in const code.
    Deferred,
}

impl<'a> Known<'a> {
    pub fn new(
        kind: Kind,
        args: &Args,
        metadata: &'a Metadata,
        config: &'a [ConfigOption],
        complete: bool,
    ) -> Self {
        let mut flags: BTreeSet<String> = args.flags.iter().map(LitStr::value).collect();
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
        // Raised by the framework in pre-series-upgrade, cleared in post-series-upgrade.
        flags.insert("upgrade.series.in-progress".to_owned());
        for opt in config {
            for family in ["changed", "set", "default"] {
                flags.insert(format!("config.{family}.{}", opt.name));
            }
        }
        for ep in &metadata.endpoints {
            for f in ["joined", "changed", "departed"] {
                flags.insert(format!("endpoint.{}.{f}", ep.name));
            }
            for suffix in interface_suffixes(&ep.interface, ep.role) {
                flags.insert(format!("{}.{suffix}", ep.name));
            }
        }
        Self {
            kind,
            flags,
            config,
            endpoints: &metadata.endpoints,
            opaque_layers,
            complete,
        }
    }

    fn endpoint(&self, name: &str) -> Option<&EndpointSpec> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// Checks one flag literal.
    pub fn check_flag(&self, lit: &LitStr) -> Result<FlagCheck, syn::Error> {
        let name = lit.value();
        let err = |msg: String| Err(syn::Error::new(lit.span(), msg));
        if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return err(format!("`{name}` is not a flag name: flags have no spaces"));
        }
        if self.flags.contains(&name) || !self.complete {
            return Ok(FlagCheck::Known);
        }
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
            if what.starts_with("changed.") && what.len() > "changed.".len() {
                return Ok(FlagCheck::Known);
            }
            return err(format!(
                "endpoint `{ep}` has no flag `{name}`; endpoint flags are `endpoint.{ep}.joined`, \
                 `.changed`, `.changed.<key>` and `.departed`"
            ));
        }
        if let Some((prefix, suffix)) = name.split_once('.')
            && let Some(ep) = self.endpoint(prefix)
        {
            let flags: Vec<String> = interface_suffixes(&ep.interface, ep.role)
                .iter()
                .map(|s| format!("{prefix}.{s}"))
                .collect();
            let nearest = crate::suggest::nearest(&name, flags.iter().map(String::as_str));
            let list: Vec<String> = flags.iter().map(|f| format!("`{f}`")).collect();
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
        if self.opaque_layers && nearest.is_none() {
            return Ok(FlagCheck::Deferred);
        }
        let declare = match self.kind {
            Kind::Charm => "declare the charm's own flags in `#[charm(flags(...))]`",
            Kind::Layer => "declare the layer's own flags in `#[layer(flags(...))]`",
        };
        match nearest {
            Some(best) => err(format!("unknown flag `{name}`; did you mean `{best}`?")),
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
    pub deferred: Vec<LitStr>,
    /// Per handler: `Some(injections)` when its signature is usable.
    pub injections: Vec<Option<Vec<Injection>>>,
}

/// Checks the handlers and arguments; pushes every error into `errors`.
pub(crate) fn check(
    known: &Known,
    args: &Args,
    handlers: &[HandlerFn],
    helpers: &Helpers,
    errors: &mut Vec<syn::Error>,
) -> Checked {
    let mut deferred = Vec::new();
    let mut check_flag = |lit: &LitStr, errors: &mut Vec<syn::Error>| match known.check_flag(lit) {
        Ok(FlagCheck::Known) => {}
        Ok(FlagCheck::Deferred) => deferred.push(lit.clone()),
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
                     remove this one"
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
                format!("flag `{name}` is declared twice; remove this one"),
            ));
        } else if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
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
        for lit in std::iter::once(&trigger.when)
            .chain(&trigger.set)
            .chain(&trigger.clear)
        {
            check_flag(lit, errors);
        }
    }

    for lit in &helpers.body_flags {
        check_flag(lit, errors);
    }

    let mut injections = Vec::new();
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
                                    "flag `{}` is listed twice in this handler's `#[{}]` conditions; remove one",
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
            }
        }
        for lit in &handler.body_flags {
            check_flag(lit, errors);
        }
        check_combination(handler, errors);
        injections.push(check_signature(known, handler, condition_errors, errors));
    }
    Checked {
        deferred,
        injections,
    }
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
            "`#[only_once]` is given twice; remove this one",
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
        None => errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "handler `{}` takes no parameters; add the hook context: `fn {}(unit: &mut Unit)`",
                sig.ident, sig.ident
            ),
        )),
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
                        interface_type(&e.interface) == ty
                            && !available.iter().any(|a| a.name == e.name)
                    })
                })
                .map(|e| {
                    let flag = interface_suffixes(&e.interface, e.role).last().map_or_else(
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
        let expected = interface_type(&ep.interface);
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
                        available.iter().any(|e| interface_type(&e.interface) == n)
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

/// Splits `a{b,c}d` into literal parts and groups; errors on unbalanced braces.
fn pattern_groups(pattern: &str) -> Result<Vec<Vec<String>>, String> {
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(vec![rest.to_owned()]);
                break;
            }
            Some(i) if rest.as_bytes()[i] == b'}' => return Err("a `}` without its `{`".to_owned()),
            Some(i) => {
                if i > 0 {
                    parts.push(vec![rest[..i].to_owned()]);
                }
                let after = &rest[i + 1..];
                let close = after.find('}').ok_or("a `{` without its `}`")?;
                let group = &after[..close];
                if group.contains('{') {
                    return Err("groups cannot nest".to_owned());
                }
                let choices: Vec<String> = group.split(',').map(|s| s.trim().to_owned()).collect();
                if choices.iter().any(String::is_empty) {
                    return Err("an empty alternative in `{...}`".to_owned());
                }
                parts.push(choices);
                rest = &after[close + 1..];
            }
        }
    }
    Ok(parts)
}

fn check_hook_pattern(known: &Known, lit: &LitStr) -> Result<(), syn::Error> {
    let pattern = lit.value();
    let err = |m: String| syn::Error::new(lit.span(), m);
    let groups = pattern_groups(&pattern)
        .map_err(|m| err(format!("malformed hook pattern `{pattern}`: {m}")))?;
    // Expand `{role:interface}` groups against metadata.yaml.
    let mut expanded: Vec<Vec<String>> = Vec::new();
    let mut opaque = false;
    for group in groups {
        let mut choices = Vec::new();
        for choice in group {
            match choice.split_once(':') {
                Some((role, interface)) => {
                    if !["provides", "requires", "peers"].contains(&role) {
                        return Err(err(format!(
                            "malformed hook pattern `{pattern}`: `{role}` is not a role; use `provides`, `requires` or `peers`"
                        )));
                    }
                    if known.kind == Kind::Layer {
                        opaque = true; // a layer does not know the charm's endpoints
                        continue;
                    }
                    let eps: Vec<&EndpointSpec> = known
                        .endpoints
                        .iter()
                        .filter(|e| e.role.as_str() == role && e.interface == interface)
                        .collect();
                    if eps.is_empty() {
                        return Err(err(format!(
                            "`{{{choice}}}` in hook pattern `{pattern}` matches no endpoint: metadata.yaml has no `{role}` endpoint with interface `{interface}`"
                        )));
                    }
                    choices.extend(eps.iter().map(|e| e.name.clone()));
                }
                None => choices.push(choice),
            }
        }
        expanded.push(choices);
    }
    if opaque {
        return Ok(());
    }
    let mut names = vec![String::new()];
    for group in &expanded {
        names = names
            .iter()
            .flat_map(|head| group.iter().map(move |c| format!("{head}{c}")))
            .collect();
    }
    let mut valid: Vec<String> = HOOKS.iter().map(|s| (*s).to_owned()).collect();
    for ep in known.endpoints {
        for kind in RELATION_KINDS {
            valid.push(format!("{}-relation-{kind}", ep.name));
        }
    }
    for name in names {
        if valid.contains(&name) || (known.kind == Kind::Layer && name.contains("-relation-")) {
            continue;
        }
        if let Some((ep, kind)) = name.rsplit_once("-relation-")
            && known.kind == Kind::Charm
            && RELATION_KINDS.contains(&kind)
            && known.endpoint(ep).is_none()
        {
            return Err(err(format!(
                "Juju never runs `{name}`: metadata.yaml declares no endpoint `{ep}`{}",
                hint(ep, known.endpoints.iter().map(|e| e.name.as_str()))
            )));
        }
        return Err(err(format!(
            "Juju never runs a hook named `{name}`{}",
            hint(&name, valid.iter().map(String::as_str))
        )));
    }
    Ok(())
}

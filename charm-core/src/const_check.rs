//! Compile-time checks of names the macros cannot see: a flag of a layer in another crate,
//! or a flag or `changed.<key>` of an interface type in another crate, named in a
//! `#[when(...)]` of a charm. The generated code evaluates these in a `const`,
//! so a typo fails the build with a message built here, "did you mean" included.

use crate::endpoint::{InterfaceDef, JUJU_RELATION_KEYS, str_eq};
use crate::registry::{Layer, Role};

/// Longest message (longer ones are cut, still valid UTF-8 since every piece is).
const CAP: usize = 600;

/// A message built in const code.
pub struct Message {
    buf: [u8; CAP],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Self {
            buf: [0; CAP],
            len: 0,
        }
    }

    const fn push(mut self, s: &str) -> Self {
        let bytes = s.as_bytes();
        // Cut whole pieces only, so the text stays valid UTF-8.
        if self.len + bytes.len() > CAP {
            return self;
        }
        let mut i = 0;
        while i < bytes.len() {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// The text.
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.buf.split_at(self.len).0) {
            Ok(s) => s,
            Err(_) => "unknown flag",
        }
    }
}

/// Whether `name` is `prefix*suffix` for a pattern `flag` with one `*` (const).
const fn matches(flag: &str, name: &str) -> bool {
    let (f, n) = (flag.as_bytes(), name.as_bytes());
    let mut star = 0;
    while star < f.len() && f[star] != b'*' {
        star += 1;
    }
    if star == f.len() {
        return str_eq(flag, name);
    }
    let suffix = f.len() - star - 1;
    if n.len() <= star + suffix {
        return false;
    }
    let mut i = 0;
    while i < star {
        if f[i] != n[i] {
            return false;
        }
        i += 1;
    }
    let mut j = 0;
    while j < suffix {
        if f[f.len() - 1 - j] != n[n.len() - 1 - j] {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether any of `layers` (or the layers they build on) declares `flag`, as a name or a
/// pattern (const).
pub const fn layers_declare(layers: &[&Layer], flag: &str) -> bool {
    let mut i = 0;
    while i < layers.len() {
        let mut j = 0;
        while j < layers[i].flags.len() {
            if matches(layers[i].flags[j], flag) {
                return true;
            }
            j += 1;
        }
        if layers_declare(layers[i].layers, flag) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether a handler or trigger of `layers` (or of the layers they build on) can set `flag`
/// (const): what the flag graph checks for a layer's flag a charm waits for.
pub const fn layers_set(layers: &[&Layer], flag: &str) -> bool {
    let mut i = 0;
    while i < layers.len() {
        let layer = layers[i];
        let mut j = 0;
        while j < layer.handlers.len() {
            let sets = layer.handlers[j].sets;
            let mut k = 0;
            while k < sets.len() {
                if matches(sets[k], flag) {
                    return true;
                }
                k += 1;
            }
            j += 1;
        }
        let mut j = 0;
        while j < layer.triggers.len() {
            let sets = layer.triggers[j].set;
            let mut k = 0;
            while k < sets.len() {
                if matches(sets[k], flag) {
                    return true;
                }
                k += 1;
            }
            j += 1;
        }
        if layers_set(layer.layers, flag) {
            return true;
        }
        i += 1;
    }
    false
}

/// Edit distance of two short names, capped at 64 bytes (const).
const fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev = [0usize; 65];
    let mut cur = [0usize; 65];
    let mut j = 0;
    while j <= b.len() {
        prev[j] = j;
        j += 1;
    }
    let mut i = 0;
    while i < a.len() {
        cur[0] = i + 1;
        let mut j = 0;
        while j < b.len() {
            let cost = if a[i] == b[j] { 0 } else { 1 };
            let mut best = prev[j] + cost;
            if prev[j + 1] + 1 < best {
                best = prev[j + 1] + 1;
            }
            if cur[j] + 1 < best {
                best = cur[j] + 1;
            }
            cur[j + 1] = best;
            j += 1;
        }
        prev = cur;
        i += 1;
    }
    prev[b.len()]
}

/// The declared flag nearest to `flag`, and the layer declaring it (const).
const fn nearest(
    layers: &[&Layer],
    flag: &str,
    mut best: Option<(usize, &'static str, &'static str)>,
) -> Option<(usize, &'static str, &'static str)> {
    let mut i = 0;
    while i < layers.len() {
        let mut j = 0;
        while j < layers[i].flags.len() {
            let d = distance(flag, layers[i].flags[j]);
            let better = match best {
                Some((bd, _, _)) => d < bd,
                None => true,
            };
            if better {
                best = Some((d, layers[i].flags[j], layers[i].name));
            }
            j += 1;
        }
        best = nearest(layers[i].layers, flag, best);
        i += 1;
    }
    best
}

/// `None` when one of `layers` declares `flag`; else the error: the flag, and the nearest
/// declared flag with its layer when it is near enough to be a typo.
pub const fn unknown_layer_flag(layers: &[&Layer], flag: &str, otherwise: &str) -> Option<Message> {
    if layers_declare(layers, flag) {
        return None;
    }
    let msg = Message::new().push("unknown flag `").push(flag).push("`: ");
    let limit = if flag.len() / 3 > 2 {
        flag.len() / 3
    } else {
        2
    };
    Some(match nearest(layers, flag, None) {
        Some((d, best, layer)) if d <= limit => msg
            .push("did you mean `")
            .push(best)
            .push("` (declared by layer `")
            .push(layer)
            .push("`)?"),
        // The macro's own message: what it saw near the name (a config option, an endpoint
        // flag, a charm flag), or that nothing declares it.
        _ => Message::new().push(otherwise),
    })
}

const fn contains(list: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < list.len() {
        if str_eq(list[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// The entry of `list` nearest to `name`, if near enough to be a typo (const).
const fn nearest_in(list: &[&'static str], name: &str) -> Option<&'static str> {
    let limit = if name.len() / 3 > 2 {
        name.len() / 3
    } else {
        2
    };
    let mut best: Option<(usize, &'static str)> = None;
    let mut i = 0;
    while i < list.len() {
        let d = distance(name, list[i]);
        let better = match best {
            Some((bd, _)) => d < bd,
            None => true,
        };
        if d <= limit && better {
            best = Some((d, list[i]));
        }
        i += 1;
    }
    match best {
        Some((_, b)) => Some(b),
        None => None,
    }
}

const fn role_name(role: Role) -> &'static str {
    match role {
        Role::Requires => "requires",
        Role::Provides => "provides",
        Role::Peers => "peers",
    }
}

/// `endpoint `db` (requires `mysql`)`.
const fn endpoint_phrase(msg: Message, def: &InterfaceDef, role: Role, endpoint: &str) -> Message {
    msg.push("endpoint `")
        .push(endpoint)
        .push("` (")
        .push(role_name(role))
        .push(" `")
        .push(def.name)
        .push("`)")
}

/// `` `db.a`, `db.b` `` (const).
const fn flag_list(mut msg: Message, endpoint: &str, flags: &[&str]) -> Message {
    let mut i = 0;
    while i < flags.len() {
        if i > 0 {
            msg = msg.push(", ");
        }
        msg = msg
            .push("`")
            .push(endpoint)
            .push(".")
            .push(flags[i])
            .push("`");
        i += 1;
    }
    msg
}

/// `None` when interface `def` raises flag `<endpoint>.<suffix>` under `role`; else the
/// error: the flag, the endpoint, the interface and its flags (the nearest first).
///
/// ```
/// use charm_core::{Role, endpoint::InterfaceDef, interfaces::Redis};
/// # use charm_core::__private::interface_flag_error;
/// const REDIS: InterfaceDef = InterfaceDef::of::<Redis>();
/// assert!(interface_flag_error(&REDIS, Role::Requires, "cache", "available").is_none());
/// let msg = interface_flag_error(&REDIS, Role::Requires, "cache", "availble").unwrap();
/// assert_eq!(msg.as_str(), "endpoint `cache` (requires `redis`) has no flag `availble`; did you mean `cache.available`?");
/// ```
pub const fn interface_flag_error(
    def: &InterfaceDef,
    role: Role,
    endpoint: &str,
    suffix: &str,
) -> Option<Message> {
    let flags = def.role(role).flags;
    if contains(flags, suffix) {
        return None;
    }
    let other = match role {
        Role::Requires => Some(Role::Provides),
        Role::Provides => Some(Role::Requires),
        Role::Peers => None,
    };
    if let Some(other) = other
        && contains(def.role(other).flags, suffix)
    {
        let msg = Message::new()
            .push("`")
            .push(suffix)
            .push("` is a flag of the ")
            .push(role_name(other))
            .push(" side of interface `")
            .push(def.name)
            .push("`, but ");
        let msg = endpoint_phrase(msg, def, role, endpoint).push(" is on the other side; ");
        return Some(if flags.is_empty() {
            msg.push("it raises no interface flags; use `endpoint.")
                .push(endpoint)
                .push(".joined` and friends")
        } else {
            flag_list(msg.push("it raises "), endpoint, flags)
        });
    }
    let msg = endpoint_phrase(Message::new(), def, role, endpoint);
    Some(match nearest_in(flags, suffix) {
        Some(best) => msg
            .push(" has no flag `")
            .push(suffix)
            .push("`; did you mean `")
            .push(endpoint)
            .push(".")
            .push(best)
            .push("`?"),
        None if flags.is_empty() => msg
            .push(" raises no interface flags; use `endpoint.")
            .push(endpoint)
            .push(".joined` and friends"),
        None => flag_list(
            msg.push(" has no flag `")
                .push(suffix)
                .push("`; its flags are "),
            endpoint,
            flags,
        ),
    })
}

/// `None` when the remote side of an endpoint of interface `def` under `role` publishes
/// `key` (or Juju does, or the interface does not say which keys it reads); else the error
/// for `endpoint.<endpoint>.changed.<key>`.
///
/// ```
/// use charm_core::{Role, endpoint::InterfaceDef, interfaces::Redis};
/// # use charm_core::__private::interface_key_error;
/// const REDIS: InterfaceDef = InterfaceDef::of::<Redis>();
/// assert!(interface_key_error(&REDIS, Role::Requires, "cache", "port").is_none());
/// assert!(interface_key_error(&REDIS, Role::Requires, "cache", "ingress-address").is_none());
/// let msg = interface_key_error(&REDIS, Role::Requires, "cache", "prot").unwrap();
/// assert!(msg.as_str().contains("did you mean `endpoint.cache.changed.port`?"));
/// ```
pub const fn interface_key_error(
    def: &InterfaceDef,
    role: Role,
    endpoint: &str,
    key: &str,
) -> Option<Message> {
    let Some(keys) = def.role(role).keys else {
        return None;
    };
    if contains(keys, key) || contains(JUJU_RELATION_KEYS, key) {
        return None;
    }
    let msg = endpoint_phrase(
        Message::new().push("the remote side of "),
        def,
        role,
        endpoint,
    )
    .push(" publishes no key `")
    .push(key)
    .push("`");
    let best = match nearest_in(keys, key) {
        Some(b) => Some(b),
        None => nearest_in(JUJU_RELATION_KEYS, key),
    };
    Some(match best {
        Some(best) => msg
            .push("; did you mean `endpoint.")
            .push(endpoint)
            .push(".changed.")
            .push(best)
            .push("`?"),
        None => {
            let mut msg = msg.push("; it publishes ");
            let mut i = 0;
            while i < keys.len() {
                msg = msg.push("`").push(keys[i]).push("`, ");
                i += 1;
            }
            msg.push("and Juju's `private-address`, `ingress-address`, `egress-subnets`")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static BASE: Layer = Layer {
        name: "base",
        flags: &["base.ready", "base.worker.*"],
        handlers: &[],
        triggers: &[],
        layers: &[],
    };
    static TOP: Layer = Layer {
        name: "top",
        flags: &["top.up"],
        handlers: &[],
        triggers: &[],
        layers: &[&BASE],
    };

    /// The macro's message when no layer flag is near.
    const FAR: &str = "unknown flag: nothing declares it";

    #[test]
    fn declared_names_and_patterns_pass() {
        assert!(unknown_layer_flag(&[&TOP], "base.ready", FAR).is_none());
        assert!(unknown_layer_flag(&[&TOP], "base.worker.blue", FAR).is_none());
        assert!(unknown_layer_flag(&[&TOP], "base.worker.", FAR).is_some());
    }

    #[test]
    fn a_typo_gets_the_nearest_name_and_its_layer() {
        let msg = unknown_layer_flag(&[&TOP], "base.redy", FAR).unwrap();
        assert_eq!(
            msg.as_str(),
            "unknown flag `base.redy`: did you mean `base.ready` (declared by layer `base`)?"
        );
        let far = unknown_layer_flag(&[&TOP], "something.else", FAR).unwrap();
        assert_eq!(far.as_str(), FAR);
    }

    fn noop(_: &mut crate::Unit) -> crate::Result<()> {
        Ok(())
    }

    static SETTER: Layer = Layer {
        name: "setter",
        flags: &["setter.done", "setter.job.*", "setter.later"],
        handlers: &[crate::registry::HandlerDef {
            name: "setter::run",
            conditions: &[],
            sets: &["setter.done", "setter.job.*"],
            clears: &[],
            call: noop,
        }],
        triggers: &[crate::registry::TriggerDef {
            when: crate::registry::TriggerWhen::Set("setter.done"),
            set: &["setter.later"],
            clear: &[],
        }],
        layers: &[&BASE],
    };
    static ON_SETTER: Layer = Layer {
        name: "on-setter",
        flags: &[],
        handlers: &[],
        triggers: &[],
        layers: &[&SETTER],
    };

    #[test]
    fn layers_set_reads_handlers_triggers_patterns_and_deeper_layers() {
        const { assert!(layers_set(&[&ON_SETTER], "setter.done")) };
        assert!(layers_set(&[&ON_SETTER], "setter.job.a"));
        assert!(layers_set(&[&ON_SETTER], "setter.later"));
        // Declared, but nothing sets it.
        assert!(!layers_set(&[&ON_SETTER], "base.ready"));
        assert!(!layers_set(&[&TOP], "top.up"));
    }

    #[test]
    fn evaluates_in_const() {
        const MSG: Option<Message> = unknown_layer_flag(&[&TOP], "top.upp", FAR);
        assert!(MSG.unwrap().as_str().contains("did you mean `top.up`"));
    }
}

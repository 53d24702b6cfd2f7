//! Compile-time checks of names the macros cannot see: a flag of a layer in another crate,
//! named in a `#[when(...)]` of a charm. The generated code evaluates these in a `const`,
//! so a typo fails the build with a message built here, "did you mean" included.

use crate::endpoint::str_eq;
use crate::registry::Layer;

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

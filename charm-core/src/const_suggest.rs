//! "Did you mean ...?" in const code: the message of a flag the `#[charm]` macro could not
//! see (a layer in another crate), computed from the layers' own `flags(...)` when the
//! const check fails, so a typo of a layer's flag names the flag it meant.

use crate::registry::Layer;

/// Capacity of a const-built message; longer ones are cut.
pub const MESSAGE_CAP: usize = 1024;

/// A message built in const code: bytes and length.
pub type Message = ([u8; MESSAGE_CAP], usize);

const fn push(buf: &mut [u8; MESSAGE_CAP], mut n: usize, s: &str) -> usize {
    let b = s.as_bytes();
    let mut j = 0;
    while j < b.len() && n < MESSAGE_CAP {
        buf[n] = b[j];
        n += 1;
        j += 1;
    }
    n
}

/// Levenshtein distance of two short names (bytes; names longer than 64 bytes count as
/// far apart).
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
        let mut k = 0;
        while k <= b.len() {
            prev[k] = cur[k];
            k += 1;
        }
        i += 1;
    }
    prev[b.len()]
}

/// The declared flag of `layers` (and the layers they build on) nearest to `flag`, if near
/// enough to be a typo (the macros' rule: a third of its length, at least 2).
pub const fn nearest_flag(layers: &[&Layer], flag: &str) -> Option<&'static str> {
    let limit = {
        let third = flag.len() / 3;
        if third > 2 { third } else { 2 }
    };
    let mut best: Option<(&'static str, usize)> = None;
    let mut i = 0;
    while i < layers.len() {
        let flags = layers[i].flags;
        let mut k = 0;
        while k < flags.len() {
            let d = distance(flag, flags[k]);
            let better = match best {
                Some((_, bd)) => d < bd,
                None => true,
            };
            if d <= limit && better {
                best = Some((flags[k], d));
            }
            k += 1;
        }
        if let Some(inner) = nearest_flag(layers[i].layers, flag) {
            let d = distance(flag, inner);
            let better = match best {
                Some((_, bd)) => d < bd,
                None => true,
            };
            if better {
                best = Some((inner, d));
            }
        }
        i += 1;
    }
    match best {
        Some((f, _)) => Some(f),
        None => None,
    }
}

/// The error of an unknown flag: `unknown flag `x`; did you mean `y` (declared by a layer)?`
/// when a layer declares a near name, else `otherwise`.
pub const fn unknown_flag_message(layers: &[&Layer], flag: &str, otherwise: &str) -> Message {
    let mut buf = [0u8; MESSAGE_CAP];
    let mut n = 0;
    match nearest_flag(layers, flag) {
        Some(near) => {
            n = push(&mut buf, n, "unknown flag `");
            n = push(&mut buf, n, flag);
            n = push(&mut buf, n, "`; did you mean `");
            n = push(&mut buf, n, near);
            n = push(&mut buf, n, "`? (declared in a layer's `flags(...)`)");
        }
        None => n = push(&mut buf, n, otherwise),
    }
    (buf, n)
}

/// The text of a [`Message`].
pub const fn message_str(message: &'static Message) -> &'static str {
    // Cut back to a character boundary if the capacity cut one.
    let mut len = message.1;
    while len > 0 {
        if let Ok(s) = core::str::from_utf8(message.0.split_at(len).0) {
            return s;
        }
        len -= 1;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    static INNER: Layer = Layer {
        name: "inner",
        flags: &["greeter.ready"],
        handlers: &[],
        triggers: &[],
        layers: &[],
    };
    static OUTER: Layer = Layer {
        name: "outer",
        flags: &["greeter.configured"],
        handlers: &[],
        triggers: &[],
        layers: &[&INNER],
    };

    #[test]
    fn suggests_a_near_layer_flag() {
        const M: Message = unknown_flag_message(&[&OUTER], "greeter.redy", "none");
        assert_eq!(
            message_str(&M),
            "unknown flag `greeter.redy`; did you mean `greeter.ready`? (declared in a layer's `flags(...)`)"
        );
        const N: Message = unknown_flag_message(&[&OUTER], "app.other", "no such flag");
        assert_eq!(message_str(&N), "no such flag");
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}

//! The config hash: SHA-256 over a canonical JSON rendering (object keys sorted at every
//! level, so `HashMap` iteration order never leaks in).

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Hex SHA-256 of the canonical JSON of `value`.
pub(crate) fn config_hash<T: Serialize>(value: &T) -> String {
    // Serialising plain data structures to a `Value` cannot fail (no non-string map keys
    // here); were it ever to, hashing the error text still yields a stable, distinct hash.
    let value = serde_json::to_value(value).unwrap_or_else(|e| Value::String(e.to_string()));
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn key_order_does_not_matter() {
        let a: HashMap<&str, u32> = (0..50)
            .map(|i| (["a", "b", "c", "d", "e"][i % 5], i as u32))
            .collect();
        let mut b = HashMap::new();
        for (k, v) in &a {
            b.insert(*k, *v);
        }
        assert_eq!(config_hash(&a), config_hash(&b));
        assert_ne!(config_hash(&a), config_hash(&HashMap::from([("a", 1)])));
    }
}

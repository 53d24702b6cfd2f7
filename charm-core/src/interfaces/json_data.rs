//! Relation values as charms.reactive's Endpoint API writes them: JSON-encoded.
//!
//! `JSONUnitDataView.__setitem__` stores `json.dumps(value, sort_keys=True)` and
//! `__getitem__` returns `json.loads(value)`, or the raw value when it is not JSON
//! (juju-solutions/charms.reactive `charms/reactive/endpoints.py@041f67c9`). So a provider
//! built on it (omnivector-solutions/interface-redis `provides.py@19ad97be`:
//! `relation.to_publish.update({'host': ..., 'port': ...})`) leaves `"10.0.0.5"`, with the
//! quotes, in the raw bag, and the port as `6379`.

use std::borrow::Cow;

/// The value a charms.reactive reader would see: a JSON string is unquoted, anything else
/// (a number, a raw string that is not JSON) is kept as its text.
///
/// ```
/// use charm_core::interfaces::decoded;
/// assert_eq!(decoded("\"10.0.0.5\""), "10.0.0.5");
/// assert_eq!(decoded("10.0.0.5"), "10.0.0.5");
/// assert_eq!(decoded("6379"), "6379");
/// assert_eq!(decoded("\"a \\\"b\\\"\""), "a \"b\"");
/// ```
pub fn decoded(raw: &str) -> Cow<'_, str> {
    if raw.starts_with('"')
        && let Ok(serde_json::Value::String(s)) = serde_json::from_str(raw)
    {
        return Cow::Owned(s);
    }
    Cow::Borrowed(raw)
}

//! libpq connection strings (`host=10.0.0.9 port=5432 dbname=app user=u password='p w'`), as
//! the `pgsql` interface's `master` key carries them.
//!
//! The format is PostgreSQL's "keyword/value connection string": `key = value` pairs
//! separated by white space; a value may be single-quoted, with `\'` and `\\` escapes inside
//! (PostgreSQL docs, libpq "Connection Strings"; the providers build it with pgconnstr's
//! `ConnectionString`: canonical/postgresql-operator `src/relations/db.py@06955dd3`).

use std::collections::BTreeMap;

/// Parses a keyword/value connection string; the error says what is wrong, never the value.
///
/// ```
/// # use charm_core::interfaces::parse_libpq;
/// let kv = parse_libpq("dbname=app host=10.0.0.9 password='it''s \\'x\\'' port=5432").unwrap_err();
/// assert!(kv.contains("quote"));
/// let kv = parse_libpq(r"dbname=app host=10.0.0.9 password='a \'b\' c' port = 5432").unwrap();
/// assert_eq!(kv["password"], "a 'b' c");
/// assert_eq!(kv["port"], "5432");
/// ```
pub fn parse_libpq(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(format!("expected `=` after keyword {key:?}"));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    None => return Err(format!("unterminated quote in the value of {key:?}")),
                    Some('\'') => break,
                    Some('\\') => match chars.next() {
                        Some(c) => value.push(c),
                        None => return Err(format!("unterminated quote in the value of {key:?}")),
                    },
                    Some(c) => value.push(c),
                }
            }
            if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                return Err(format!("unexpected text after the quote closing {key:?}"));
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                } else {
                    value.push(c);
                }
            }
        }
        if key.is_empty() {
            return Err("empty keyword".to_owned());
        }
        out.insert(key, value);
    }
}

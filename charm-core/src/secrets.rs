//! Juju secrets: [`SecretId`], a [`SecretContent`] whose values never print, and what the
//! [`Secrets`](crate::facets::Secrets) facet (`unit.secrets()`) takes and gives.
//!
//! A value is a [`SecretValue`]: its `Debug` and `Display` print `<redacted>`, so a secret
//! logged, put in a status or an error by mistake shows nothing; only
//! [`SecretValue::expose`] gives the text. The framework passes values to `secret-add` and
//! `secret-set` as `key#file=PATH` (a file of a private temporary directory, removed after
//! the call), as ops does, so they are not on any command line either.
//!
//! ```
//! use charm_core::secrets::{SecretContent, SecretValue};
//! let content = SecretContent::new().with("password", "s3cret").unwrap();
//! assert_eq!(content.get("password").unwrap().expose(), "s3cret");
//! assert_eq!(format!("{content:?}"), r#"SecretContent { password: <redacted> }"#);
//! assert_eq!(SecretValue::from("x").to_string(), "<redacted>");
//! // Keys are checked as Juju checks them: lower-case, digits, single hyphens, 3+ chars.
//! assert!(SecretContent::new().with("pw", "x").is_err());
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::error::{Error, Result};

/// A secret's URI, `secret:<20 characters>` (Juju also writes `secret://<model>/<id>`).
///
/// ```
/// use charm_core::SecretId;
/// let id = SecretId::parse("secret://6f9a3c1e/cjv2hch0ocgs2ge8gfh0").unwrap();
/// assert_eq!(id.as_str(), "secret:cjv2hch0ocgs2ge8gfh0", "the model part is dropped");
/// assert_eq!(id.unique_id(), "cjv2hch0ocgs2ge8gfh0");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretId(String);

impl SecretId {
    /// Parses a URI or a bare id; the error names the input.
    ///
    /// ```
    /// let id = charm_core::secrets::SecretId::parse("cjv2hch0ocgs2ge8gfh0").unwrap();
    /// assert_eq!(id.as_str(), "secret:cjv2hch0ocgs2ge8gfh0");
    /// assert!(charm_core::secrets::SecretId::parse("secret:nope").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let id = match text.strip_prefix("secret://") {
            Some(rest) => rest.rsplit_once('/').map_or(rest, |(_, id)| id),
            None => text.strip_prefix("secret:").unwrap_or(text),
        };
        let ok = id.len() == 20 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'v'));
        if ok {
            Ok(Self(format!("secret:{id}")))
        } else {
            Err(Error::msg(format!(
                "invalid secret URI `{text}`: expected secret:<20 characters of 0-9 and a-v>"
            )))
        }
    }

    /// `secret:<id>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 20-character id without `secret:`.
    pub fn unique_id(&self) -> &str {
        self.0.strip_prefix("secret:").unwrap_or(&self.0)
    }
}

// A secret's URI is no secret (Juju shows it in `juju secrets`); its content is.
impl fmt::Display for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretId({})", self.0)
    }
}

impl crate::config::ConfigValue for SecretId {
    /// A config option of type `secret` holds the secret's URI.
    fn from_config(key: &str, value: Option<&serde_json::Value>) -> Result<Self> {
        let text = String::from_config(key, value)?;
        Self::parse(text.trim()).map_err(|e| Error::Config {
            key: key.to_owned(),
            message: e.to_string(),
        })
    }
}

/// One secret value: prints as `<redacted>`.
///
/// ```
/// let content = charm_core::SecretContent::new().with("password", "s3cret").unwrap();
/// let value = content.get("password").unwrap();
/// assert_eq!(format!("{value} {value:?}"), "<redacted> <redacted>");
/// assert_eq!(value.expose(), "s3cret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// The text itself. Keep it out of logs, statuses and errors.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretValue {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<String> for SecretValue {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A secret's content: keys (Juju's rule: `^[a-z](-?[a-z0-9]){2,}$`) to [`SecretValue`]s.
///
/// ```
/// use charm_core::SecretContent;
/// let content = SecretContent::new().with("username", "app").unwrap().with("password", "pw").unwrap();
/// assert_eq!(content.keys().collect::<Vec<_>>(), ["password", "username"]);
/// assert_eq!(format!("{content:?}"), "SecretContent { password: <redacted>, username: <redacted> }");
/// assert!(SecretContent::new().with("pw", "x").unwrap_err().to_string().contains("invalid secret key `pw`"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretContent(BTreeMap<String, SecretValue>);

/// Juju's key rule (core/secrets/createsecret.go@0ffacc32 `keyRegExp`).
pub(crate) fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.len() >= 3
        && b[0].is_ascii_lowercase()
        && !key.ends_with('-')
        && !key.contains("--")
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

impl SecretContent {
    /// No keys yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key`; the error names a key Juju would refuse.
    pub fn with(mut self, key: &str, value: impl Into<SecretValue>) -> Result<Self> {
        if !valid_key(key) {
            return Err(Error::msg(format!(
                "invalid secret key `{key}`: Juju takes lower-case letters and digits with \
                 single hyphens, starting with a letter, at least 3 characters"
            )));
        }
        self.0.insert(key.to_owned(), value.into());
        Ok(self)
    }

    /// A value by key.
    pub fn get(&self, key: &str) -> Option<&SecretValue> {
        self.0.get(key)
    }

    /// The keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &SecretValue)> {
        self.0.iter()
    }

    pub(crate) fn from_map(map: BTreeMap<String, String>) -> Self {
        Self(map.into_iter().map(|(k, v)| (k, SecretValue(v))).collect())
    }
}

impl fmt::Debug for SecretContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretContent {")?;
        for (i, key) in self.0.keys().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{key}: <redacted>")?;
        }
        f.write_str(if self.0.is_empty() { "}" } else { " }" })
    }
}

/// A label the charm gives a secret, declared once as a constant:
/// `const DB_PASSWORD: SecretLabel = SecretLabel::new("db-password");`, so every use is
/// the same, checked name.
///
/// ```
/// use charm_core::SecretLabel;
/// const DB_PASSWORD: SecretLabel = SecretLabel::new("db-password");
/// assert_eq!(DB_PASSWORD.as_str(), "db-password");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretLabel(&'static str);

impl SecretLabel {
    /// A label (any non-empty text, as Juju takes).
    pub const fn new(label: &'static str) -> Self {
        assert!(!label.is_empty(), "a secret label cannot be empty");
        Self(label)
    }

    /// The label.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

/// How often Juju asks the owner to rotate a secret (`secret-rotate` hook).
///
/// ```
/// assert_eq!(charm_core::secrets::Rotate::Quarterly.as_str(), "quarterly");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotate {
    /// Never.
    Never,
    /// Every hour.
    Hourly,
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Every year.
    Yearly,
}

impl Rotate {
    /// Juju's word (core/secrets/rotate.go@0b9c32cd).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Hourly => "hourly",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::Yearly => "yearly",
        }
    }
}

/// When a secret's revision expires (`secret-expired` hook).
///
/// ```
/// use charm_core::secrets::{Expire, SecretOptions};
/// let options = SecretOptions { expire: Some(Expire::In(std::time::Duration::from_secs(3600))), ..Default::default() };
/// assert_eq!(options.expire, Some(Expire::In(std::time::Duration::from_secs(3600))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expire {
    /// After this long.
    In(std::time::Duration),
    /// At this time, RFC 3339 (`2025-01-01T06:06:06Z`).
    At(String),
}

impl Expire {
    pub(crate) fn arg(&self) -> String {
        match self {
            Self::In(d) => format!("{}s", d.as_secs().max(1)),
            Self::At(t) => t.clone(),
        }
    }
}

/// Who owns a new secret.
///
/// ```
/// use charm_core::secrets::{SecretOptions, SecretOwner};
/// assert_eq!(SecretOptions::default().owner, SecretOwner::Application, "Juju's default");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SecretOwner {
    /// The application (Juju's default): its leader manages it, every unit reads it.
    #[default]
    Application,
    /// This unit only.
    Unit,
}

/// Metadata of `secret-add` / `secret-set`; unset fields are left as they are.
///
/// ```
/// use charm_core::secrets::{Rotate, SecretOptions, SecretOwner};
/// use charm_core::{Result, SecretContent, SecretLabel, Unit};
/// const API_TOKEN: SecretLabel = SecretLabel::new("api-token");
/// fn create(unit: &mut Unit) -> Result<()> {
///     let options = SecretOptions {
///         label: Some(API_TOKEN),
///         rotate: Some(Rotate::Monthly),
///         owner: SecretOwner::Unit,
///         ..Default::default()
///     };
///     unit.secrets().add_with(&SecretContent::new().with("token", "t0k3n")?, &options)?;
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretOptions {
    /// The owner's label.
    pub label: Option<SecretLabel>,
    /// A description.
    pub description: Option<String>,
    /// Expiry of this revision.
    pub expire: Option<Expire>,
    /// Rotate policy.
    pub rotate: Option<Rotate>,
    /// The owner (`secret-add` only).
    pub owner: SecretOwner,
}

/// What `secret-info-get` tells the owner.
///
/// ```
/// let json = r#"{"revision": 3, "label": "api-token", "owner": "unit", "rotation": "monthly"}"#;
/// let info: charm_core::secrets::SecretInfo = serde_json::from_str(json).unwrap();
/// assert_eq!((info.revision, info.owner.as_str()), (3, "unit"));
/// assert_eq!(info.description, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SecretInfo {
    /// The latest revision.
    pub revision: u32,
    /// The owner's label (empty for none).
    #[serde(default)]
    pub label: String,
    /// `application` or `unit`.
    pub owner: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The rotate policy.
    #[serde(default)]
    pub rotation: Option<String>,
    /// When the latest revision expires.
    #[serde(default)]
    pub expiry: Option<String>,
}

/// The secret a secret hook is about (`JUJU_SECRET_ID`, `_LABEL`, `_REVISION`).
///
/// ```
/// fn rotate(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
///     // In `secret-rotate`: which secret Juju asks to rotate.
///     if let Some(secret) = unit.secrets().hook_secret().cloned() {
///         let content = charm_core::SecretContent::new().with("token", "fresh")?;
///         unit.secrets().set(&secret.id, &content)?;
///     }
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookSecret {
    /// The secret.
    pub id: SecretId,
    /// This unit's label for it, if any.
    pub label: Option<String>,
    /// The revision (`secret-expired`, `secret-remove`).
    pub revision: Option<u32>,
}

/// Which revision `secret-get` reads.
///
/// ```
/// use charm_core::secrets::SecretRead;
/// // `unit.secrets().peek(..)` reads `SecretRead::Peek`, `refresh(..)` `SecretRead::Refresh`.
/// assert_ne!(SecretRead::Peek, SecretRead::Refresh);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRead {
    /// The owner: the latest; a consumer: the revision it tracks (the latest the first time).
    Tracked,
    /// The latest, this time only (`--peek`).
    Peek,
    /// The latest, tracked from now on (`--refresh`).
    Refresh,
}

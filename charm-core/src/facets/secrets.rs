//! The secrets facet: `unit.secrets()` (types in [`crate::secrets`]).

use crate::endpoint::EndpointOf;
use crate::error::{Error, Result};
use crate::secrets::{
    HookSecret, SecretContent, SecretId, SecretInfo, SecretLabel, SecretOptions, SecretRead,
};
use crate::unit::Unit;

impl Unit {
    /// Secrets: add, read, update, grant, revoke, remove (see [`Secrets`]).
    pub fn secrets(&mut self) -> Secrets<'_> {
        Secrets { unit: self }
    }
}

/// The secrets facet: `unit.secrets()`. Each method is one hook tool call (grants and
/// revokes one per relation). Changes are committed by Juju when the hook succeeds.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     const DB_PASSWORD: SecretLabel = SecretLabel::new("db-password");
///
///     #[hook("leader-elected")]
///     fn create(unit: &mut Unit) -> Result<()> {
///         let content = SecretContent::new().with("password", "s3cret")?;
///         let id = unit.secrets().add(&content)?;
///         let read = unit.secrets().get_and_label(&id, DB_PASSWORD)?;
///         assert_eq!(read.get("password").map(|v| v.expose()), Some("s3cret"));
///         Ok(())
///     }
/// }
/// ```
pub struct Secrets<'u> {
    unit: &'u mut Unit,
}

impl Secrets<'_> {
    /// Creates an application-owned secret (leader only); returns its id.
    pub fn add(&mut self, content: &SecretContent) -> Result<SecretId> {
        self.unit
            .juju
            .secret_add(content, &SecretOptions::default())
    }

    /// Creates a secret with a label, description, expiry, rotation or unit owner.
    pub fn add_with(
        &mut self,
        content: &SecretContent,
        options: &SecretOptions,
    ) -> Result<SecretId> {
        self.unit.juju.secret_add(content, options)
    }

    /// The content: the latest revision for the owner, the tracked one for a consumer.
    pub fn get(&mut self, id: &SecretId) -> Result<SecretContent> {
        self.unit
            .juju
            .secret_get(Some(id), None, SecretRead::Tracked)
    }

    /// The content of the secret with this unit's label `label`.
    pub fn get_by_label(&mut self, label: SecretLabel) -> Result<SecretContent> {
        self.unit
            .juju
            .secret_get(None, Some(label.as_str()), SecretRead::Tracked)
    }

    /// Gives secret `id` this unit's label `label` (the owner's or the consumer's), and
    /// returns its content.
    pub fn get_and_label(&mut self, id: &SecretId, label: SecretLabel) -> Result<SecretContent> {
        self.unit
            .juju
            .secret_get(Some(id), Some(label.as_str()), SecretRead::Tracked)
    }

    /// The latest revision, this time only (`--peek`).
    pub fn peek(&mut self, id: &SecretId) -> Result<SecretContent> {
        self.unit.juju.secret_get(Some(id), None, SecretRead::Peek)
    }

    /// The latest revision, tracked from now on (`--refresh`).
    pub fn refresh(&mut self, id: &SecretId) -> Result<SecretContent> {
        self.unit
            .juju
            .secret_get(Some(id), None, SecretRead::Refresh)
    }

    /// A new revision with `content` (owner only).
    pub fn set(&mut self, id: &SecretId, content: &SecretContent) -> Result<()> {
        self.unit
            .juju
            .secret_set(id, Some(content), &SecretOptions::default())
    }

    /// New metadata, and a new revision if `content` is given (owner only).
    pub fn set_with(
        &mut self,
        id: &SecretId,
        content: Option<&SecretContent>,
        options: &SecretOptions,
    ) -> Result<()> {
        self.unit.juju.secret_set(id, content, options)
    }

    /// Lets the remote application of every relation of `endpoint` read `id` (or only
    /// `unit` of it).
    pub fn grant<I>(
        &mut self,
        id: &SecretId,
        endpoint: impl EndpointOf<I>,
        unit: Option<&str>,
    ) -> Result<()> {
        for relation in self.relation_ids(endpoint)? {
            self.unit.juju.secret_grant(id, &relation, unit)?;
        }
        Ok(())
    }

    /// Takes back what [`Secrets::grant`] gave on every relation of `endpoint`.
    pub fn revoke<I>(&mut self, id: &SecretId, endpoint: impl EndpointOf<I>) -> Result<()> {
        for relation in self.relation_ids(endpoint)? {
            self.unit.juju.secret_revoke(id, Some(&relation), None)?;
        }
        Ok(())
    }

    /// Takes back one remote unit's access.
    pub fn revoke_unit(&mut self, id: &SecretId, unit: &str) -> Result<()> {
        self.unit.juju.secret_revoke(id, None, Some(unit))
    }

    /// Removes the secret (owner only).
    pub fn remove(&mut self, id: &SecretId) -> Result<()> {
        self.unit.juju.secret_remove(id, None)
    }

    /// Removes one revision (owner only), as in `secret-remove` hooks.
    pub fn remove_revision(&mut self, id: &SecretId, revision: u32) -> Result<()> {
        self.unit.juju.secret_remove(id, Some(revision))
    }

    /// The secrets this unit and its application own.
    pub fn ids(&mut self) -> Result<Vec<SecretId>> {
        self.unit.juju.secret_ids()
    }

    /// Metadata of a secret this unit or its application owns.
    pub fn info(&mut self, id: &SecretId) -> Result<SecretInfo> {
        self.unit.juju.secret_info_get(Some(id), None)
    }

    /// The secret this hook is about (`secret-changed`, `-rotate`, `-expired`, `-remove`).
    pub fn hook_secret(&self) -> Option<&HookSecret> {
        self.unit.env.contract.secret.as_ref()
    }

    fn relation_ids<I>(&mut self, endpoint: impl EndpointOf<I>) -> Result<Vec<String>> {
        let name = endpoint.endpoint_name();
        let endpoint = self
            .unit
            .endpoint(endpoint)
            .data()
            .ok_or_else(|| Error::msg(format!("the charm has no endpoint `{name}`")))?;
        Ok(endpoint.relation_ids().map(str::to_owned).collect())
    }
}

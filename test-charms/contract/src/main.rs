//! A charm that uses the rest of Juju's contract: secrets (its own and one from config),
//! storage, a resource, goal-state, the Juju version, the cloud credential and the workload
//! version. Its tests run it in-process (`tests/harness.rs`) and as a compiled binary through
//! the emulator's tool processes (`tests/binary.rs`).

#[charm_core::charm(flags("vault-user.secret-made", "vault-user.shared"))]
pub mod vault_user {
    use charm_core::prelude::*;
    use charm_core::secrets::{Rotate, SecretOptions};

    // ANCHOR: secrets
    /// The label of the secret this charm creates.
    pub const DB_PASSWORD: SecretLabel = SecretLabel::new("db-password");

    /// The leader creates the application's secret once.
    #[when_not("vault-user.secret-made")]
    fn make_secret(unit: &mut Unit) -> Result<()> {
        if !unit.leader().is_leader()? {
            return Ok(());
        }
        let content = SecretContent::new().with("password", "generated-s3cret")?;
        let options = SecretOptions {
            label: Some(DB_PASSWORD),
            rotate: Some(Rotate::Monthly),
            ..SecretOptions::default()
        };
        let id = unit.secrets().add_with(&content, &options)?;
        // The content prints as `<redacted>`: this log line holds no secret.
        unit.log().info(format!("created {id}: {content:?}"));
        unit.kv().set("secret", id.as_str())?;
        unit.flags().set(flags::VAULT_USER_SECRET_MADE);
        Ok(())
    }

    /// Shares it with the application related on `kv`.
    #[when("vault-user.secret-made", "endpoint.kv.joined")]
    #[when_not("vault-user.shared")]
    fn share_secret(unit: &mut Unit) -> Result<()> {
        if !unit.leader().is_leader()? {
            return Ok(());
        }
        let stored = unit.kv().get::<String>("secret").unwrap_or_default();
        let id = SecretId::parse(&stored)?;
        unit.secrets().grant(&id, endpoints::KV, None)?;
        unit.endpoint(endpoints::KV)
            .publish("secret-id", id.as_str());
        unit.flags().set(flags::VAULT_USER_SHARED);
        Ok(())
    }

    /// Juju asks the owner for a new revision.
    #[hook("secret-rotate")]
    fn rotate(unit: &mut Unit) -> Result<()> {
        let Some(hook) = unit.secrets().hook_secret().cloned() else {
            return Ok(());
        };
        let content = SecretContent::new().with("password", "rotated-s3cret")?;
        unit.secrets().set(&hook.id, &content)
    }

    /// A config option of type `secret` is typed `SecretId`: read its content.
    #[hook("config-changed")]
    fn admin_password(unit: &mut Unit) -> Result<()> {
        let config = unit.config()?;
        let Some(id) = config.admin_password else {
            return Ok(());
        };
        let content = unit.secrets().get(&id)?;
        let password = content
            .get("password")
            .ok_or_else(|| Error::msg(format!("secret {id} has no key `password`")))?;
        // Written where the workload reads it; never logged, never in a status.
        std::fs::write(unit.charm_path("admin-password"), password.expose())
            .map_err(|e| Error::msg(format!("writing admin-password: {e}")))?;
        unit.log()
            .info(format!("admin password from {id}: {password}"));
        Ok(())
    }

    /// The owner of a consumed secret published a new revision: move to it.
    #[hook("secret-changed")]
    fn follow_secret(unit: &mut Unit) -> Result<()> {
        if let Some(hook) = unit.secrets().hook_secret().cloned() {
            let content = unit.secrets().refresh(&hook.id)?;
            if let Some(password) = content.get("password") {
                std::fs::write(unit.charm_path("admin-password"), password.expose())
                    .map_err(|e| Error::msg(format!("writing admin-password: {e}")))?;
            }
        }
        Ok(())
    }
    // ANCHOR_END: secrets

    // ANCHOR: storage
    /// Storage names are typed from metadata.yaml (`storage::DATA`); the framework
    /// raises `storage.data.attached`.
    #[when("storage.data.attached")]
    fn use_storage(unit: &mut Unit) -> Result<()> {
        let Some(dir) = unit.storage().location(storage::DATA)? else {
            return Ok(());
        };
        std::fs::write(dir.join("marker"), "kept on storage")
            .map_err(|e| Error::msg(format!("writing to {}: {e}", dir.display())))?;
        unit.kv().set("data-dir", dir.display().to_string())?;
        Ok(())
    }

    #[hook("data-storage-detaching")]
    fn storage_going(unit: &mut Unit) -> Result<()> {
        if let Some(instance) = unit.storage().hook_instance() {
            let message = format!(
                "{} at {} detaching",
                instance.id,
                instance.location.display()
            );
            unit.log().info(message);
        }
        Ok(())
    }
    // ANCHOR_END: storage

    // ANCHOR: resources
    /// A resource of metadata.yaml.
    pub const PAYLOAD: Resource = Resource::new("payload");

    #[hook("install")]
    fn read_payload(unit: &mut Unit) -> Result<()> {
        match unit.resources().path(PAYLOAD) {
            Ok(path) => {
                let what = path.display();
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Error::msg(format!("reading {what}: {e}")))?;
                unit.kv().set("payload", text.trim())?;
            }
            // No file attached yet: say so and carry on.
            Err(err) => unit.log().warning(format!("no payload: {err}")),
        }
        Ok(())
    }
    // ANCHOR_END: resources

    // ANCHOR: goal_state
    #[hook("update-status")]
    fn report(unit: &mut Unit) -> Result<()> {
        let goal = unit.goal_state()?;
        let version = unit.juju_version()?;
        let peers = goal.expected_units();
        let cloud = match unit.credentials() {
            Ok(spec) => spec.kind,
            Err(_) => "untrusted".to_owned(),
        };
        unit.set_workload_version("1.2.3")?;
        // Branch on the Juju version.
        let secrets = if version.has_secrets() {
            "with secrets"
        } else {
            "no secrets"
        };
        unit.status().active(format!(
            "{peers} unit(s) expected, Juju {version} {secrets}, cloud {cloud}"
        ))
    }
    // ANCHOR_END: goal_state
}

fn main() -> std::process::ExitCode {
    vault_user::CHARM.main()
}

//! A network or volume whose definition changed in the file, handled as Docker Compose v2
//! does (docker/compose v2.40 `pkg/compose/create.go` `resolveOrCreateNetwork`,
//! `removeDivergedNetwork`, and `ensureVolume`): a changed network is recreated and the
//! project's containers are connected to it again, keeping their ids; a changed volume is
//! refused (its data would be lost), with what changed and what to do.

use std::collections::BTreeMap;

use bollard::models::{
    EndpointSettings, Network, NetworkConnectRequest, NetworkDisconnectRequest, Volume,
};

use crate::engine::Ctx;
use crate::file::{NetworkDef, VolumeDef};
use crate::{Error, Project, Result, names};

/// User labels (ours and Compose's left out), for comparison.
fn user_labels(
    labels: Option<&std::collections::HashMap<String, String>>,
) -> BTreeMap<String, String> {
    labels
        .into_iter()
        .flatten()
        .filter(|(k, _)| {
            !k.starts_with("com.docker.compose.") && !k.starts_with("io.charm-docker.")
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// What differs between the engine's network and the file's definition, if anything.
pub(crate) fn network_diff(found: &Network, def: &NetworkDef) -> Option<String> {
    let mut changed = Vec::new();
    let driver = def.driver.as_deref().unwrap_or("bridge");
    if found.driver.as_deref().unwrap_or("bridge") != driver {
        changed.push(format!(
            "driver {} -> {driver}",
            found.driver.as_deref().unwrap_or("bridge")
        ));
    }
    if found.internal.unwrap_or(false) != def.internal {
        changed.push(format!(
            "internal {} -> {}",
            found.internal.unwrap_or(false),
            def.internal
        ));
    }
    if user_labels(found.labels.as_ref()) != def.labels {
        changed.push("labels".to_owned());
    }
    (!changed.is_empty()).then(|| changed.join(", "))
}

/// What differs between the engine's volume and the file's definition, if anything.
pub(crate) fn volume_diff(found: &Volume, def: &VolumeDef) -> Option<String> {
    let mut changed = Vec::new();
    let driver = def.driver.as_deref().unwrap_or("local");
    if found.driver != driver {
        changed.push(format!("driver {} -> {driver}", found.driver));
    }
    if user_labels(Some(&found.labels)) != def.labels {
        changed.push("labels".to_owned());
    }
    (!changed.is_empty()).then(|| changed.join(", "))
}

/// The refusal of a changed volume.
pub(crate) fn volume_changed(name: &str, what: &str) -> Error {
    Error::Resource {
        kind: "volume",
        name: name.to_owned(),
        reason: format!(
            "exists with another definition ({what}); recreating it would lose its data: revert the change, or remove the volume (docker volume rm {name}) to have it created anew"
        ),
    }
}

/// Removes network `name` and lets the caller create it anew, returning the containers that
/// were connected (id, aliases) so they can be connected again.
pub(crate) async fn take_down_network(
    ctx: &Ctx<'_>,
    project: &Project,
    key: &str,
    name: &str,
) -> Result<Vec<(String, Vec<String>)>> {
    let inspected = ctx
        .docker
        .inspect_network(
            name,
            None::<bollard::query_parameters::InspectNetworkOptions>,
        )
        .await
        .map_err(|e| ctx.err(e))?;
    let mut attached = Vec::new();
    for (id, _) in inspected.containers.unwrap_or_default() {
        let container = ctx
            .docker
            .inspect_container(
                &id,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .map_err(|e| ctx.err(e))?;
        let service = container
            .config
            .and_then(|c| c.labels)
            .and_then(|l| l.get(names::labels::SERVICE).cloned())
            .unwrap_or_default();
        let mut aliases = vec![service.clone()];
        if let Some(settings) = project
            .file()
            .service(&service)
            .and_then(|s| s.networks.get(key))
        {
            aliases.extend(settings.aliases.iter().cloned());
        }
        ctx.docker
            .disconnect_network(
                name,
                NetworkDisconnectRequest {
                    container: id.clone(),
                    force: Some(true),
                },
            )
            .await
            .map_err(|e| ctx.err(e))?;
        attached.push((id, aliases));
    }
    ctx.docker
        .remove_network(name)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(attached)
}

/// Connects `containers` to network `name` again.
pub(crate) async fn reconnect(
    ctx: &Ctx<'_>,
    name: &str,
    containers: Vec<(String, Vec<String>)>,
) -> Result<()> {
    for (id, aliases) in containers {
        let request = NetworkConnectRequest {
            container: id,
            endpoint_config: Some(EndpointSettings {
                aliases: Some(aliases),
                ..Default::default()
            }),
        };
        ctx.docker
            .connect_network(name, request)
            .await
            .map_err(|e| ctx.err(e))?;
    }
    Ok(())
}

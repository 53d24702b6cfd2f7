//! `down`: remove what `up` made.

use std::collections::BTreeMap;

use bollard::models::ContainerSummary;
use bollard::query_parameters::{ListNetworksOptions, ListVolumesOptions, RemoveVolumeOptions};
use futures_util::future::try_join_all;

use crate::engine::{Ctx, container_name, label};
use crate::report::{DownOptions, DownReport};
use crate::{Project, Result, names};

pub(crate) async fn down(
    ctx: &Ctx<'_>,
    project: &Project,
    options: DownOptions,
) -> Result<DownReport> {
    let mut report = DownReport::default();
    let mut by_service: BTreeMap<String, Vec<ContainerSummary>> = BTreeMap::new();
    for container in ctx.project_containers(project.name()).await? {
        let service = label(&container, names::labels::SERVICE)
            .unwrap_or_default()
            .to_owned();
        by_service.entry(service).or_default().push(container);
    }
    // Reverse dependency order (dependents before what they depend on), then orphans.
    let mut order: Vec<String> = project.file().order().iter().rev().cloned().collect();
    order.extend(
        by_service
            .keys()
            .filter(|s| project.file().service(s).is_none())
            .cloned(),
    );
    for service in order {
        let Some(containers) = by_service.remove(&service) else {
            continue;
        };
        // pre_stop hooks first, best effort (a stopped container cannot run them).
        if let Some(hooks) = project.file().service(&service).map(|s| &s.pre_stop) {
            for c in &containers {
                let id = c.id.as_deref().unwrap_or_default();
                let _ = crate::hooks::run(ctx, id, "pre_stop", hooks).await;
            }
        }
        try_join_all(
            containers
                .iter()
                .map(|c| ctx.stop_and_remove(c.id.as_deref().unwrap_or_default(), options.volumes)),
        )
        .await?;
        let mut removed: Vec<String> = containers.iter().map(container_name).collect();
        removed.sort();
        report.containers.extend(removed);
    }

    let filter = Some(Ctx::label_filter(names::labels::PROJECT, project.name()));
    // Only networks carrying our project label: external ones never do.
    let networks = ctx
        .docker
        .list_networks(Some(ListNetworksOptions {
            filters: filter.clone(),
        }))
        .await
        .map_err(|e| ctx.err(e))?;
    for network in networks {
        let Some(name) = network.name else { continue };
        match ctx.docker.remove_network(&name).await {
            Ok(())
            | Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => report.networks.push(name),
            Err(e) => return Err(ctx.err(e)),
        }
    }

    if options.volumes {
        let volumes = ctx
            .docker
            .list_volumes(Some(ListVolumesOptions { filters: filter }))
            .await
            .map_err(|e| ctx.err(e))?;
        for volume in volumes.volumes.unwrap_or_default() {
            match ctx
                .docker
                .remove_volume(&volume.name, None::<RemoveVolumeOptions>)
                .await
            {
                Ok(())
                | Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404, ..
                }) => report.volumes.push(volume.name),
                Err(e) => return Err(ctx.err(e)),
            }
        }
    }
    Ok(report)
}

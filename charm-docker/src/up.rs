//! `up`: converge the engine to the project (Compose's `up -d --remove-orphans`).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use bollard::models::{
    ContainerStateStatusEnum, ContainerSummary, ContainerSummaryStateEnum, HealthStatusEnum,
    NetworkConnectRequest, NetworkCreateRequest, VolumeCreateRequest,
};
use bollard::query_parameters::{CreateContainerOptions, ListNetworksOptions, ListVolumesOptions};
use futures_util::future::{join_all, try_join_all, try_join3};

use crate::engine::{Ctx, container_name, label};
use crate::error::ServiceFailure;
use crate::file::{Condition, PullPolicy, Service};
use crate::plan::{Existing, Step, plan};
use crate::progress::Progress;
use crate::report::{Action, ContainerReport, ServiceReport, UpReport};
use crate::spec::ContainerSpec;
use crate::{Error, Project, Result, image, names};

pub(crate) async fn up(
    ctx: &Ctx<'_>,
    project: &Project,
    progress: &mut dyn FnMut(&Progress),
) -> Result<UpReport> {
    let mut report = UpReport::default();
    let (images, missing_images) = ensure_images(ctx, project, progress, &mut report).await?;

    let network_filter = ListNetworksOptions {
        filters: Some(Ctx::label_filter(names::labels::PROJECT, project.name())),
    };
    let volume_filter = ListVolumesOptions {
        filters: Some(Ctx::label_filter(names::labels::PROJECT, project.name())),
    };
    // The three listings are independent: one round trip's worth of waiting.
    let (networks, volumes, containers) = try_join3(
        async {
            ctx.docker
                .list_networks(Some(network_filter))
                .await
                .map_err(|e| ctx.err(e))
        },
        async {
            ctx.docker
                .list_volumes(Some(volume_filter))
                .await
                .map_err(|e| ctx.err(e))
        },
        ctx.project_containers(project.name()),
    )
    .await?;
    ensure_networks(ctx, project, &networks, &mut report).await?;
    ensure_volumes(
        ctx,
        project,
        volumes.volumes.unwrap_or_default(),
        &mut report,
    )
    .await?;

    let mut by_service: BTreeMap<String, Vec<ContainerSummary>> = BTreeMap::new();
    for container in containers {
        let service = label(&container, names::labels::SERVICE)
            .unwrap_or_default()
            .to_owned();
        by_service.entry(service).or_default().push(container);
    }

    // Orphans first, so that their ports and names are free for the services that replace
    // them.
    let orphans: Vec<(String, Vec<ContainerSummary>)> = by_service
        .iter()
        .filter(|(service, _)| {
            project.file().service(service).is_none()
                && !project.disabled_services().contains(service)
        })
        .map(|(s, c)| (s.clone(), c.clone()))
        .collect();
    for (service, containers) in orphans {
        by_service.remove(&service);
        try_join_all(
            containers
                .iter()
                .map(|c| ctx.stop_and_remove(c.id.as_deref().unwrap_or_default(), false)),
        )
        .await?;
        let mut removed: Vec<ContainerReport> = containers
            .iter()
            .map(|c| ContainerReport {
                name: container_name(c),
                action: Action::Removed,
            })
            .collect();
        removed.sort_by(|a, b| a.name.cmp(&b.name));
        report.services.push(ServiceReport {
            service,
            containers: removed,
        });
    }

    let mut orphan_reports = std::mem::take(&mut report.services);
    // Every service that can be brought up is: a failure is recorded and the others go on,
    // except those depending on a failed one (as Compose: "dependency failed to start").
    let mut failures: Vec<ServiceFailure> = Vec::new();
    for name in project.file().order() {
        let Some(service) = project.file().service(name) else {
            continue;
        };
        if let Some(failed) = service
            .depends_on
            .keys()
            .find(|d| failures.iter().any(|f| f.service == **d))
        {
            failures.push(ServiceFailure {
                service: name.clone(),
                error: Error::Dependency {
                    service: name.clone(),
                    dependency: failed.clone(),
                    reason: "failed to start".to_owned(),
                },
            });
            continue;
        }
        let image_ref = image::with_default_tag(&service.image);
        if let Some(error) = missing_images.get(&image_ref) {
            // Each service gets its own copy of the image's error.
            let error = match error {
                Error::ImageNotFound { image, reason } => Error::ImageNotFound {
                    image: image.clone(),
                    reason: reason.clone(),
                },
                Error::Build { image, reason } => Error::Build {
                    image: image.clone(),
                    reason: reason.clone(),
                },
                Error::TimedOut {
                    operation,
                    after,
                    stalled,
                } => Error::TimedOut {
                    operation: operation.clone(),
                    after: *after,
                    stalled: *stalled,
                },
                other => Error::Engine {
                    status: None,
                    message: other.to_string(),
                },
            };
            failures.push(ServiceFailure {
                service: name.clone(),
                error,
            });
            continue;
        }
        let image_id = images.get(&image_ref).cloned().unwrap_or_default();
        let existing = by_service.remove(name).unwrap_or_default();
        match converge(ctx, project, name, service, &image_ref, &image_id, existing).await {
            Ok(service_report) => report.services.push(service_report),
            Err(e @ (Error::EngineUnreachable { .. } | Error::EngineNotAnswering { .. })) => {
                return Err(e);
            }
            Err(error) => failures.push(ServiceFailure {
                service: name.clone(),
                error,
            }),
        }
    }
    report.services.append(&mut orphan_reports);
    if failures.is_empty() {
        Ok(report)
    } else {
        Err(Error::Services(Box::new(crate::error::PartialUp {
            report,
            failures,
        })))
    }
}

/// The id of every image the project uses, pulling those that are missing.
async fn ensure_images(
    ctx: &Ctx<'_>,
    project: &Project,
    progress: &mut dyn FnMut(&Progress),
    report: &mut UpReport,
) -> Result<(HashMap<String, String>, HashMap<String, Error>)> {
    // Images of services with `build:` are built, not pulled (build.rs).
    let built = crate::build::ensure_built(ctx, project, progress, &mut report.built).await?;
    let mut references: Vec<String> = project
        .file()
        .services()
        .values()
        .map(|s| image::with_default_tag(&s.image))
        .filter(|r| !built.contains_key(r))
        .collect();
    references.sort();
    references.dedup();
    let found = try_join_all(
        references
            .iter()
            .map(|r| image::inspect(ctx.docker, ctx.host, r)),
    )
    .await?;
    let mut ids = HashMap::new();
    // An image that cannot be had fails the services using it, not the whole `up`.
    let mut missing = HashMap::new();
    for (reference, result) in built {
        match result {
            Ok(id) => {
                ids.insert(reference, id);
            }
            Err(e) => {
                missing.insert(reference, e);
            }
        }
    }
    let policy = |reference: &str, wanted: PullPolicy| {
        project.file().services().values().any(|s| {
            image::with_default_tag(&s.image) == reference
                && s.pull_policy.unwrap_or_default() == wanted
        })
    };
    for (reference, id) in references.into_iter().zip(found) {
        let always = policy(&reference, PullPolicy::Always);
        let id = match id {
            Some(id) if !always => id,
            None if policy(&reference, PullPolicy::Never) => {
                missing.insert(
                    reference.clone(),
                    Error::ImageNotFound {
                        image: reference,
                        reason: "it is not present and pull_policy is never".to_owned(),
                    },
                );
                continue;
            }
            _ => match image::ensure(
                ctx.docker,
                ctx.host,
                &reference,
                progress,
                always,
                ctx.deadlines.stall,
            )
            .await
            {
                Ok(id) => {
                    report.pulled.push(reference.clone());
                    id
                }
                Err(e @ (Error::EngineUnreachable { .. } | Error::EngineNotAnswering { .. })) => {
                    return Err(e);
                }
                Err(e) => {
                    missing.insert(reference, e);
                    continue;
                }
            },
        };
        ids.insert(reference, id);
    }
    Ok((ids, missing))
}

async fn ensure_networks(
    ctx: &Ctx<'_>,
    project: &Project,
    existing: &[bollard::models::Network],
    report: &mut UpReport,
) -> Result<()> {
    for (key, def) in project.used_networks() {
        let name = project.network_name(&key, &def);
        let mut reattach = Vec::new();
        let mut recreated = false;
        let conflict = |reason: String| Error::Resource {
            kind: "network",
            name: name.clone(),
            reason,
        };
        if def.external {
            match ctx
                .docker
                .inspect_network(
                    &name,
                    None::<bollard::query_parameters::InspectNetworkOptions>,
                )
                .await
            {
                Ok(_) => continue,
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404, ..
                }) => {
                    return Err(conflict(
                        "is declared external but does not exist".to_owned(),
                    ));
                }
                Err(e) => return Err(ctx.err(e)),
            }
        }
        if let Some(found) = existing
            .iter()
            .find(|n| n.name.as_deref() == Some(name.as_str()))
        {
            let owner = found
                .labels
                .as_ref()
                .and_then(|l| l.get(names::labels::NETWORK));
            match owner {
                Some(owner) if *owner == key => match crate::changes::network_diff(found, &def) {
                    None => continue,
                    Some(what) => {
                        reattach =
                            crate::changes::take_down_network(ctx, project, &key, &name).await?;
                        report.networks_recreated.push(format!("{name} ({what})"));
                        recreated = true;
                    }
                },
                Some(owner) => {
                    return Err(conflict(format!(
                        "exists for network {owner:?}, not {key:?}"
                    )));
                }
                None => return Err(conflict("exists but was not created by Compose".to_owned())),
            }
        }
        let mut labels: HashMap<String, String> = def.labels.clone().into_iter().collect();
        labels.insert(names::labels::PROJECT.to_owned(), project.name().to_owned());
        labels.insert(names::labels::NETWORK.to_owned(), key.clone());
        labels.insert(names::labels::VERSION.to_owned(), names::VERSION.to_owned());
        let request = NetworkCreateRequest {
            name: name.clone(),
            driver: def.driver.clone(),
            internal: def.internal.then_some(true),
            attachable: def.attachable.then_some(true),
            enable_ipv6: def.enable_ipv6.then_some(true),
            options: (!def.driver_opts.is_empty())
                .then(|| def.driver_opts.clone().into_iter().collect()),
            ipam: def.ipam.as_ref().map(|ipam| bollard::models::Ipam {
                driver: ipam.driver.clone(),
                config: Some(
                    ipam.config
                        .iter()
                        .map(|pool| bollard::models::IpamConfig {
                            subnet: pool.subnet.clone(),
                            gateway: pool.gateway.clone(),
                            ip_range: pool.ip_range.clone(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            labels: Some(labels),
            ..Default::default()
        };
        match ctx.docker.create_network(request).await {
            Ok(_) if recreated => crate::changes::reconnect(ctx, &name, reattach).await?,
            Ok(_) => report.networks_created.push(name),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 409, ..
            }) => {
                return Err(conflict(
                    "exists but does not belong to this project".to_owned(),
                ));
            }
            Err(e) => return Err(ctx.err(e)),
        }
    }
    Ok(())
}

async fn ensure_volumes(
    ctx: &Ctx<'_>,
    project: &Project,
    existing: Vec<bollard::models::Volume>,
    report: &mut UpReport,
) -> Result<()> {
    let used: std::collections::BTreeSet<&str> = project
        .file()
        .services()
        .values()
        .flat_map(|s| &s.volumes)
        .filter_map(|m| match m {
            crate::file::Mount::Volume { source, .. } => Some(source.as_str()),
            _ => None,
        })
        .collect();
    for (key, def) in project
        .file()
        .volumes()
        .iter()
        .filter(|(k, _)| used.contains(k.as_str()))
    {
        let name = project.volume_name(key, def);
        if def.external {
            match ctx.docker.inspect_volume(&name).await {
                Ok(_) => continue,
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404, ..
                }) => {
                    return Err(Error::Resource {
                        kind: "volume",
                        name,
                        reason: "is declared external but does not exist".to_owned(),
                    });
                }
                Err(e) => return Err(ctx.err(e)),
            }
        }
        if let Some(found) = existing.iter().find(|v| v.name == name) {
            if let Some(what) = crate::changes::volume_diff(found, def) {
                return Err(crate::changes::volume_changed(&name, &what));
            }
            continue;
        }
        let mut labels: HashMap<String, String> = def.labels.clone().into_iter().collect();
        labels.insert(names::labels::PROJECT.to_owned(), project.name().to_owned());
        labels.insert(names::labels::VOLUME.to_owned(), key.clone());
        labels.insert(names::labels::VERSION.to_owned(), names::VERSION.to_owned());
        let request = VolumeCreateRequest {
            name: Some(name.clone()),
            driver: def.driver.clone(),
            driver_opts: (!def.driver_opts.is_empty())
                .then(|| def.driver_opts.clone().into_iter().collect()),
            labels: Some(labels),
            ..Default::default()
        };
        ctx.docker
            .create_volume(request)
            .await
            .map_err(|e| ctx.err(e))?;
        report.volumes_created.push(name);
    }
    Ok(())
}

/// Brings one service to its wanted containers and starts them.
async fn converge(
    ctx: &Ctx<'_>,
    project: &Project,
    name: &str,
    service: &Service,
    image_ref: &str,
    image_id: &str,
    existing: Vec<ContainerSummary>,
) -> Result<ServiceReport> {
    let spec = ContainerSpec::new(project, name, service, image_ref);
    let hash = crate::spec::Hashes {
        spec: spec.hash(),
        compose1: crate::compat::compose1_hash(
            project,
            name,
            project.file().raw_service(name),
            image_id,
        ),
        compose2: crate::compose2::compose2_hash(project, name),
    };
    let existing: Vec<Existing> = existing
        .iter()
        .map(|c| Existing {
            id: c.id.clone().unwrap_or_default(),
            name: container_name(c),
            number: label(c, names::labels::CONTAINER_NUMBER).and_then(|n| n.parse().ok()),
            config_hash: label(c, names::labels::CONFIG_HASH).map(str::to_owned),
            spec_hash: label(c, crate::compat::SPEC_HASH).map(str::to_owned),
            image_id: c.image_id.clone(),
            running: matches!(
                c.state,
                Some(ContainerSummaryStateEnum::RUNNING | ContainerSummaryStateEnum::RESTARTING)
            ),
        })
        .collect();
    let steps = plan(service.replicas(), &hash, image_id, existing);

    let mut containers = Vec::new();
    // (container name, action) of what must be (re)started once dependencies are ready.
    let mut to_start = Vec::new();
    let mut removals = Vec::new();
    let mut creations = Vec::new();
    for step in steps {
        match step {
            Step::Keep {
                name: cname,
                start: false,
                ..
            } => containers.push(ContainerReport {
                name: cname,
                action: Action::Unchanged,
            }),
            Step::Keep {
                name: cname,
                start: true,
                ..
            } => to_start.push((cname, Action::Started)),
            Step::Remove { id, name: cname } => {
                removals.push(id);
                containers.push(ContainerReport {
                    name: cname,
                    action: Action::Removed,
                });
            }
            Step::Recreate { id, number } => {
                removals.push(id);
                creations.push((number, Action::Recreated));
            }
            Step::Create { number } => creations.push((number, Action::Created)),
        }
    }
    // Old containers go first: a recreated one frees its name and host ports. Their
    // pre_stop hooks run first, best effort (a stopped container has nothing to run them in).
    for id in &removals {
        let _ = crate::hooks::run(ctx, id, "pre_stop", &service.pre_stop).await;
    }
    try_join_all(removals.iter().map(|id| ctx.stop_and_remove(id, false))).await?;
    let renames = match creations.is_empty() {
        true => BTreeMap::new(),
        false => service_ref_renames(ctx, project, service).await?,
    };
    for (number, action) in creations {
        let cname = project.container_name(name, number);
        create(ctx, &spec, project, name, number, &hash, &cname, &renames).await?;
        to_start.push((cname, action));
    }
    if !to_start.is_empty() {
        wait_for_dependencies(ctx, project, name, service).await?;
        // Start one at a time so a port conflict names its own container.
        for (cname, action) in to_start {
            start(ctx, name, &cname).await?;
            crate::hooks::run(ctx, &cname, "post_start", &service.post_start).await?;
            containers.push(ContainerReport {
                name: cname,
                action,
            });
        }
    }
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ServiceReport {
        service: name.to_owned(),
        containers,
    })
}

/// The services `service` names in `network_mode`, `pid`, `ipc` (`service:NAME`),
/// `volumes_from` and `links`.
fn referenced_services(service: &Service) -> Vec<&str> {
    let modes = [&service.network_mode, &service.pid, &service.ipc];
    let mut names: Vec<&str> = modes
        .into_iter()
        .filter_map(|m| m.as_deref()?.strip_prefix("service:"))
        .collect();
    for from in &service.volumes_from {
        if !from.starts_with("container:") {
            names.push(from.split(':').next().unwrap_or(from));
        }
    }
    names.extend(
        service
            .links
            .iter()
            .map(|l| l.split(':').next().unwrap_or(l)),
    );
    names
}

/// `service:NAME` references are rendered with our name for that service's first container
/// (`p-db-1`); a container another tool made and we adopted has its own (docker-compose 1.29:
/// `p_db_1`). Maps each of our names to the name of the container that really runs, where
/// they differ. Asks the engine only when the service references another.
async fn service_ref_renames(
    ctx: &Ctx<'_>,
    project: &Project,
    service: &Service,
) -> Result<BTreeMap<String, String>> {
    let wanted = referenced_services(service);
    let mut renames = BTreeMap::new();
    if wanted.is_empty() {
        return Ok(renames);
    }
    let containers = ctx.project_containers(project.name()).await?;
    for other in wanted {
        let first = containers
            .iter()
            .filter(|c| label(c, names::labels::SERVICE) == Some(other))
            .min_by_key(|c| {
                label(c, names::labels::CONTAINER_NUMBER).and_then(|n| n.parse::<u32>().ok())
            });
        let ours = project.container_name(other, 1);
        if let Some(actual) = first.map(container_name)
            && actual != ours
        {
            renames.insert(ours, actual);
        }
    }
    Ok(renames)
}

/// Points the body's references at the containers [`service_ref_renames`] found.
fn apply_renames(
    body: &mut bollard::models::ContainerCreateBody,
    renames: &BTreeMap<String, String>,
) {
    if renames.is_empty() {
        return;
    }
    // `NAME` or `NAME:suffix` (a volumes_from mode, a link alias).
    let rename = |entry: &mut String| {
        for (ours, actual) in renames {
            let rest = entry.strip_prefix(ours.as_str());
            if let Some(rest) = rest.filter(|r| r.is_empty() || r.starts_with(':')) {
                *entry = format!("{actual}{rest}");
                return;
            }
        }
    };
    if let Some(host) = body.host_config.as_mut() {
        for mode in [
            &mut host.network_mode,
            &mut host.pid_mode,
            &mut host.ipc_mode,
        ] {
            if let Some(mode) = mode.as_mut()
                && let Some(target) = mode.strip_prefix("container:")
            {
                let mut target = target.to_owned();
                rename(&mut target);
                *mode = format!("container:{target}");
            }
        }
        for from in host.volumes_from.iter_mut().flatten() {
            rename(from);
        }
    }
    let endpoints = body
        .networking_config
        .as_mut()
        .and_then(|n| n.endpoints_config.as_mut());
    for endpoint in endpoints.into_iter().flat_map(|e| e.values_mut()) {
        for link in endpoint.links.iter_mut().flatten() {
            rename(link);
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn create(
    ctx: &Ctx<'_>,
    spec: &ContainerSpec,
    project: &Project,
    service: &str,
    number: u32,
    hash: &crate::spec::Hashes,
    cname: &str,
    renames: &BTreeMap<String, String>,
) -> Result<()> {
    let options = CreateContainerOptions {
        name: Some(cname.to_owned()),
        platform: spec.platform.clone().unwrap_or_default(),
    };
    let mut body = spec.body_for(project, service, number, hash);
    apply_renames(&mut body, renames);
    match ctx.docker.create_container(Some(options), body).await {
        Ok(_) => {}
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            message,
        }) => {
            return Err(Error::ImageNotFound {
                image: spec.body.image.clone().unwrap_or_default(),
                reason: message,
            });
        }
        Err(e) => return Err(ctx.err(e)),
    }
    for (network, endpoint) in &spec.extra_networks {
        let request = NetworkConnectRequest {
            container: cname.to_owned(),
            endpoint_config: Some(endpoint.clone()),
        };
        ctx.docker
            .connect_network(network, request)
            .await
            .map_err(|e| ctx.err(e))?;
    }
    Ok(())
}

async fn start(ctx: &Ctx<'_>, service: &str, cname: &str) -> Result<()> {
    match ctx
        .docker
        .start_container(
            cname,
            None::<bollard::query_parameters::StartContainerOptions>,
        )
        .await
    {
        Ok(()) => Ok(()),
        Err(e) => {
            let err = ctx.err(e);
            match &err {
                Error::Engine { message, .. } => match port_in_use(message) {
                    Some(port) => Err(Error::PortAllocated {
                        service: service.to_owned(),
                        port,
                    }),
                    None => Err(err),
                },
                _ => Err(err),
            }
        }
    }
}

/// The `ip:port` an engine start error says is taken, if that is the error: another
/// container holds it ("Bind for 127.0.0.1:5000 failed: port is already allocated") or
/// another process does ("listen tcp4 127.0.0.1:5000: bind: address already in use").
pub(crate) fn port_in_use(message: &str) -> Option<String> {
    if message.contains("port is already allocated") {
        let after = message.split("Bind for ").nth(1)?;
        return after.split(" failed").next().map(str::to_owned);
    }
    if message.contains("address already in use") {
        let after = message.split("listen ").nth(1)?;
        let address = after.split_whitespace().nth(1)?;
        return Some(address.trim_end_matches(':').to_owned());
    }
    None
}

/// Waits until every dependency of `name` meets its `depends_on` condition, bounded by a
/// budget derived from the dependency's own healthcheck timings.
async fn wait_for_dependencies(
    ctx: &Ctx<'_>,
    project: &Project,
    name: &str,
    service: &Service,
) -> Result<()> {
    for (dependency, dep) in &service.depends_on {
        if dep.condition == Condition::ServiceStarted {
            continue;
        }
        let Some(dep_service) = project.file().service(dependency) else {
            continue;
        };
        let budget = wait_budget(dep_service);
        let containers: Vec<String> = (1..=dep_service.replicas())
            .map(|n| project.container_name(dependency, n))
            .collect();
        let fail = |reason: String| Error::Dependency {
            service: name.to_owned(),
            dependency: dependency.clone(),
            reason,
        };
        let results = join_all(
            containers
                .iter()
                .map(|c| wait_one(ctx, c, dep.condition, budget)),
        )
        .await;
        for result in results {
            result.map_err(|e| match e {
                WaitError::Engine(e) => e,
                WaitError::Failed(reason) => fail(reason),
            })?;
        }
    }
    Ok(())
}

enum WaitError {
    Engine(Error),
    Failed(String),
}

fn wait_budget(service: &Service) -> Duration {
    let hc = service.healthcheck.clone().unwrap_or_default();
    // Engine defaults: 30s interval, 30s timeout, 3 retries, no start period.
    let interval = hc.interval.unwrap_or(Duration::from_secs(30));
    let timeout = hc.timeout.unwrap_or(Duration::from_secs(30));
    let retries = hc.retries.unwrap_or(3).saturating_add(1);
    let per_try = interval.saturating_add(timeout);
    hc.start_period
        .unwrap_or_default()
        .saturating_add(per_try.saturating_mul(retries))
        .saturating_add(Duration::from_secs(10))
}

async fn wait_one(
    ctx: &Ctx<'_>,
    container: &str,
    condition: Condition,
    budget: Duration,
) -> Result<(), WaitError> {
    let deadline = Instant::now() + budget;
    loop {
        let inspected = ctx
            .docker
            .inspect_container(
                container,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .map_err(|e| WaitError::Engine(ctx.err(e)))?;
        let state = inspected.state.unwrap_or_default();
        let exited = matches!(
            state.status,
            Some(ContainerStateStatusEnum::EXITED | ContainerStateStatusEnum::DEAD)
        );
        match condition {
            Condition::ServiceStarted => return Ok(()),
            Condition::ServiceHealthy => {
                let Some(health) = state.health.as_ref().and_then(|h| h.status) else {
                    return Err(WaitError::Failed("has no healthcheck".to_owned()));
                };
                match health {
                    HealthStatusEnum::HEALTHY => return Ok(()),
                    HealthStatusEnum::UNHEALTHY => {
                        return Err(WaitError::Failed("is unhealthy".to_owned()));
                    }
                    HealthStatusEnum::NONE | HealthStatusEnum::EMPTY => {
                        return Err(WaitError::Failed("has no healthcheck".to_owned()));
                    }
                    HealthStatusEnum::STARTING if exited => {
                        return Err(WaitError::Failed(
                            "exited before becoming healthy".to_owned(),
                        ));
                    }
                    HealthStatusEnum::STARTING => {}
                }
            }
            Condition::ServiceCompletedSuccessfully => {
                if exited {
                    return match state.exit_code {
                        Some(0) => Ok(()),
                        code => Err(WaitError::Failed(format!(
                            "exited with code {}",
                            code.unwrap_or(-1)
                        ))),
                    };
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(WaitError::Failed(format!(
                "did not get there within {}s",
                budget.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::port_in_use;

    #[test]
    fn finds_the_taken_port() {
        assert_eq!(
            port_in_use("driver failed programming external connectivity on endpoint p-web-1 (abc): Bind for 127.0.0.1:5000 failed: port is already allocated").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(
            port_in_use("driver failed programming external connectivity on endpoint p-web-1 (abc): Error starting userland proxy: listen tcp4 127.0.0.1:5001: bind: address already in use").as_deref(),
            Some("127.0.0.1:5001")
        );
        assert_eq!(port_in_use("no such image"), None);
    }
}

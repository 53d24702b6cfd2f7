//! `relation-ids`, `relation-list`, `relation-get` and `relation-set` (buffered).

use serde_json::Value;

use super::args::{FORMAT, Flag, RELATION, check_empty, key_values, parse};
use super::format::render;
use super::{Call, ToolError, yaml_settings};
use crate::context::{RelationEvent, overlay};
use crate::model::Bag;

/// The relation a call is about: `-r ID` (`endpoint:N` or `N`), else the hook's relation.
pub(super) fn resolve_relation(call: &Call<'_>, given: Option<&str>) -> Result<u64, ToolError> {
    let Some(given) = given else {
        return call
            .context
            .hook
            .relation
            .ok_or_else(|| ToolError::Usage("no relation id specified".to_owned()));
    };
    // Juju reads only the number after the last colon.
    let number = given.rsplit(':').next().unwrap_or(given);
    let id: u64 = number.parse().map_err(|_| {
        ToolError::Usage(format!(
            "invalid value {given:?} for flag -r: invalid relation id"
        ))
    })?;
    // relationIdValue.Set returns ctx.Relation's NotFound error, "relation not found"
    // (jujuc/relation-get.go@2365bb25); ops matches on that text (ops/model.py).
    if call.model.relations.contains_key(&id) {
        Ok(id)
    } else {
        Err(ToolError::Usage(format!(
            "invalid value {given:?} for flag -r: relation not found"
        )))
    }
}

/// Whether the current hook is `-relation-broken` for relation `id`.
fn broken_in_this_hook(call: &Call<'_>, id: u64) -> bool {
    call.context.hook.relation == Some(id)
        && matches!(
            call.context.hook.relation_event(),
            Some((_, RelationEvent::Broken))
        )
}

/// `relation-ids [ENDPOINT] [--format]`: ids on the endpoint (default: the hook's), sorted as
/// strings (jujuc/relation-ids.go@0cdccd5f: `sort.Strings(result)`, so `db:10` before `db:2`). A relation in its own `-broken` hook is still listed, as in Juju.
pub(super) fn relation_ids(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    let endpoint = match p.positional.first() {
        Some(ep) => {
            check_empty(&p.positional[1..])?;
            ep.clone()
        }
        None => {
            let rel = call
                .context
                .hook
                .relation
                .and_then(|id| call.model.relations.get(&id))
                .ok_or_else(|| ToolError::Usage("no endpoint name specified".to_owned()))?;
            rel.endpoint.clone()
        }
    };
    let mut ids: Vec<String> = call
        .model
        .relations
        .iter()
        .filter(|(id, r)| r.endpoint == endpoint && (!r.broken || broken_in_this_hook(call, **id)))
        .map(|(id, r)| format!("{}:{id}", r.endpoint))
        .collect();
    ids.sort();
    let ids: Vec<Value> = ids.into_iter().map(Value::String).collect();
    Ok(render(format, &Value::Array(ids)))
}

/// `relation-list [-r ID] [--app] [--format]`: remote units still in the relation (not the
/// departing one; none in `-broken`), or with `--app` the remote application's name.
pub(super) fn relation_list(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT, RELATION, Flag::boolean("app")], args)?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    let id = resolve_relation(call, p.value("relation"))?;
    let rel = &call.model.relations[&id];
    if p.flag("app") {
        return Ok(render(format, &Value::String(rel.remote_app.clone())));
    }
    let departing = call.context.hook.departing_unit.as_deref();
    let units: Vec<Value> = if rel.broken || broken_in_this_hook(call, id) {
        Vec::new()
    } else {
        rel.remote_units
            .iter()
            .filter(|(name, u)| !u.departing && Some(name.as_str()) != departing)
            .map(|(name, _)| Value::String(name.clone()))
            .collect()
    };
    Ok(render(format, &Value::Array(units)))
}

/// `relation-get [-r ID] [--app] [KEY|-] [UNIT|APP] [--format]`.
///
/// Follows Juju: the target defaults to the hook's remote unit, else its remote app; `--app`
/// with a unit name reads that unit's application. Our own unit (and our app, for the leader)
/// is read with this hook's buffered `relation-set` writes applied. A non-leader cannot read
/// its own application's bag except on a peer relation.
pub(super) fn relation_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT, RELATION, Flag::boolean("app")], args)?;
    let format = p.format()?;
    let id = resolve_relation(call, p.value("relation"))?;
    let mut rest = p.positional.iter();
    let key = rest.next().filter(|k| *k != "-").cloned();
    let mut app = p.flag("app");
    let target = match rest.next() {
        Some(given) if app => given.split('/').next().unwrap_or(given).to_owned(),
        // An Init (usage) error in Juju: jujuc/relation-get.go@2365bb25.
        Some(given) if !given.contains('/') => {
            return Err(ToolError::Usage(format!(
                "expected unit name, got application name {given:?}"
            )));
        }
        Some(given) => given.clone(),
        None if app => call
            .context
            .remote_app
            .clone()
            .ok_or_else(|| ToolError::Usage("no unit or application specified".to_owned()))?,
        None => match (&call.context.hook.remote_unit, &call.context.remote_app) {
            (Some(unit), _) => unit.clone(),
            (None, Some(remote_app)) => {
                app = true;
                remote_app.clone()
            }
            (None, None) => {
                return Err(ToolError::Usage(
                    "no unit or application specified".to_owned(),
                ));
            }
        },
    };
    check_empty(&rest.cloned().collect::<Vec<_>>())?;
    let bag = read_bag(call, id, &target, app)?;
    let value = match key {
        None => Value::Object(
            bag.into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        ),
        Some(key) => bag.get(&key).cloned().map_or(Value::Null, Value::String),
    };
    Ok(render(format, &value))
}

fn read_bag(call: &Call<'_>, id: u64, target: &str, app: bool) -> Result<Bag, ToolError> {
    let model = &*call.model;
    let rel = &model.relations[&id];
    let writes = call.context.pending.relations.get(&id);
    let rel_name = format!("{}:{id}", rel.endpoint);
    let peer = model.is_peer_endpoint(&rel.endpoint) || rel.remote_app == model.app_name();
    if app {
        if target == model.app_name() {
            if model.leader {
                return Ok(match writes {
                    Some(w) => overlay(&rel.local_app_data, &w.app),
                    None => rel.local_app_data.clone(),
                });
            }
            if peer {
                return Ok(rel.local_app_data.clone());
            }
            return Err(ToolError::Failed("permission denied".to_owned()));
        }
        if target == rel.remote_app {
            return Ok(rel.remote_app_data.clone());
        }
        return Err(ToolError::Failed(format!(
            "cannot read settings for application {target:?} in relation {rel_name:?}: application {target:?} is not in the relation"
        )));
    }
    if target == model.unit {
        return Ok(match writes {
            Some(w) => overlay(&rel.local_unit_data, &w.unit),
            None => rel.local_unit_data.clone(),
        });
    }
    if !target.contains('/') {
        return Err(ToolError::Failed(format!(
            "{target:?} is not a valid unit name (use --app to read application data)"
        )));
    }
    rel.remote_units
        .get(target)
        .map(|u| u.data.clone())
        .ok_or_else(|| {
            ToolError::Failed(format!(
                "cannot read settings for unit {target:?} in relation {rel_name:?}: unit {target:?}: settings not found"
            ))
        })
}

/// `relation-set [-r ID] [--app] [--file PATH|-] KEY=VALUE...`: buffered until the hook
/// succeeds. `--file` holds a YAML map; arguments override it; an empty value deletes a key.
/// `--app` writes our application's bag and is for the leader only.
pub(super) fn relation_set(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(
        &[FORMAT, RELATION, Flag::boolean("app"), Flag::value("file")],
        args,
    )?;
    let id = resolve_relation(call, p.value("relation"))?;
    let overrides = key_values(&p.positional)?;
    let mut settings = match p.value("file") {
        Some(path) => yaml_settings(&call.read_file_arg(path)?)?,
        None => Default::default(),
    };
    settings.extend(overrides);
    let app = p.flag("app");
    if app && !call.model.leader {
        // jujuc/relation-set.go@3ff63137: `errors.Errorf("cannot write relation settings")`.
        return Err(ToolError::Failed(
            "cannot write relation settings".to_owned(),
        ));
    }
    call.warn_deprecated_format(&p, "relation-set");
    let writes = call.context.pending.relations.entry(id).or_default();
    let bag = if app {
        &mut writes.app
    } else {
        &mut writes.unit
    };
    for (k, v) in settings {
        bag.insert(k, (!v.is_empty()).then_some(v));
    }
    Ok(Vec::new())
}

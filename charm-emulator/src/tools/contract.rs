//! `resource-get`, `goal-state` and `credential-get`.
//!
//! juju/juju `internal/worker/uniter/runner/jujuc/resource-get.go@0cdccd5f` (prints the
//! local path of the resource's file, no newline), `goal-state.go@12baae6d` (`units` and
//! `relations`, each entry `status` and `since`), `credential-get.go@65266db7` (the cloud
//! spec; the controller answers only a trusted application, else `permission denied`).

use serde_json::{Map, Value, json};

use super::args::{FORMAT, check_empty, parse};
use super::format::{Format, render};
use super::{Call, ToolError};

/// `resource-get <name>`: the path of the resource's file, copied where the agent keeps it
/// (`<agent dir>/resources/<name>/<filename>`).
pub(super) fn resource_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    let Some(name) = p.positional.first() else {
        return Err(ToolError::Usage(
            "missing required resource name".to_owned(),
        ));
    };
    check_empty(&p.positional[1..])?;
    let fail = |m: String| ToolError::Failed(format!("could not download resource: {m}"));
    let contract = &call.model.contract;
    let def = contract
        .resource_defs
        .get(name)
        .ok_or_else(|| fail(format!("resource {name:?} not found")))?;
    let source = contract.resources.get(name).ok_or_else(|| {
        fail(format!(
            "resource {name:?} has no file uploaded (juju attach-resource; the emulator: --resource {name}=PATH)"
        ))
    })?;
    let root = contract
        .agent_dir
        .clone()
        .or_else(|| call.model.charm_dir.as_ref().map(|d| d.join(".juju-agent")))
        .ok_or_else(|| fail("no agent directory".to_owned()))?;
    let filename = def.filename.clone().unwrap_or_else(|| name.clone());
    let dir = root.join("resources").join(name);
    let dest = dir.join(&filename);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(source, &dest))
        .map_err(|e| fail(format!("copying {}: {e}", source.display())))?;
    Ok(dest.display().to_string().into_bytes())
}

/// Juju's `common.FormatTime(t, true)`: `2006-01-02 15:04:05Z`.
fn since(rfc3339: &str) -> String {
    let mut s = rfc3339.replacen('T', " ", 1);
    if let Some(dot) = s.find('.') {
        s.truncate(dot);
        s.push('Z');
    }
    s
}

/// `goal-state [--format yaml|json]`: the set override, else this unit active and each
/// relation's remote application joined with its units active.
pub(super) fn goal_state(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = match p.value("format") {
        None | Some("yaml") => Format::Yaml,
        Some("json") => Format::Json,
        Some(other) => {
            return Err(ToolError::Usage(format!(
                "invalid value {other:?} for flag --format: unknown format {other:?}"
            )));
        }
    };
    check_empty(&p.positional)?;
    if let Some(state) = &call.model.contract.goal_state {
        return Ok(render(format, state));
    }
    let model = &*call.model;
    let now = since(&crate::time::now_rfc3339());
    let entry = |status: &str| json!({"status": status, "since": now});
    let mut units = Map::new();
    units.insert(model.unit.clone(), entry("active"));
    let mut relations: Map<String, Value> = Map::new();
    for rel in model.relations.values().filter(|r| !r.broken) {
        let slot = relations
            .entry(rel.endpoint.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = slot {
            map.insert(rel.remote_app.clone(), entry("joined"));
            for (unit, remote) in &rel.remote_units {
                if !remote.departing {
                    map.insert(unit.clone(), entry("active"));
                }
            }
        }
    }
    Ok(render(
        format,
        &json!({"units": units, "relations": relations}),
    ))
}

/// `credential-get [--format]`: the model's cloud spec, for a trusted application only.
pub(super) fn credential_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    if !call.model.contract.trusted {
        return Err(ToolError::Failed(
            "cannot access cloud credentials: permission denied".to_owned(),
        ));
    }
    let spec = call.model.contract.cloud_spec.clone().unwrap_or_else(|| {
        json!({
            "type": "lxd",
            "name": "localhost",
            "region": "localhost",
            "endpoint": "https://127.0.0.1:8443",
            "credential": {"auth-type": "certificate", "attrs": {}},
            "is-controller-cloud": true,
        })
    });
    Ok(render(format, &spec))
}

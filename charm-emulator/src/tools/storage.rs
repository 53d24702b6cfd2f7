//! `storage-get`, `storage-list`, `storage-add` (buffered until the hook succeeds).
//!
//! As juju/juju `internal/worker/uniter/runner/jujuc/storage-get.go@2365bb25`,
//! `storage-list.go`, `storage-add.go`: `storage-get` reports `kind` and `location` of the
//! hook's storage or of `-s <id>`; `storage-add <name>[=<count>]` asks for more instances,
//! which attach after the hook commits (their `-storage-attached` hooks run next).

use serde_json::{Value, json};

use super::args::{FORMAT, Flag, check_empty, parse};
use super::format::render;
use super::{Call, ToolError};
use crate::contract::HookSubject;

/// `storage-get [-s <id>] [kind|location] [--format]`.
pub(super) fn storage_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT, Flag::value("s")], args)?;
    let format = p.format()?;
    let id = match p.value("s") {
        Some(given) => {
            if !call.model.contract.storage.contains_key(given) {
                return Err(ToolError::Usage(format!(
                    "invalid value {given:?} for flag -s: storage instance {given:?} not found"
                )));
            }
            given.to_owned()
        }
        None => match &call.context.hook.subject {
            Some(HookSubject::Storage { id }) => id.clone(),
            _ => {
                return Err(ToolError::Usage("no storage instance specified".to_owned()));
            }
        },
    };
    if p.positional.len() > 1 {
        check_empty(&p.positional[1..])?;
    }
    let storage = call
        .model
        .contract
        .storage
        .get(&id)
        .ok_or_else(|| ToolError::Failed(format!("storage instance {id:?} not found")))?;
    let values = json!({
        "kind": storage.kind,
        "location": storage.location.display().to_string(),
    });
    let out = match p.positional.first() {
        None => values,
        Some(key) => values
            .get(key)
            .cloned()
            .ok_or_else(|| ToolError::Failed(format!("invalid storage attribute {key:?}")))?,
    };
    Ok(render(format, &out))
}

/// `storage-list [<name>] [--format]`: ids of the attached instances.
pub(super) fn storage_list(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    let name = p.positional.first();
    if name.is_some() {
        check_empty(&p.positional[1..])?;
    }
    let ids: Vec<Value> = call
        .model
        .contract
        .storage
        .keys()
        .filter(|id| name.is_none_or(|n| id.split('/').next() == Some(n.as_str())))
        .map(|id| Value::String(id.clone()))
        .collect();
    Ok(render(format, &Value::Array(ids)))
}

/// `storage-add <name>[=<count>] ...` (a constraint `pool,size,count` gives its count).
pub(super) fn storage_add(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[], args)?;
    if p.positional.is_empty() {
        return Err(ToolError::Usage(
            "storage add requires a storage directive".to_owned(),
        ));
    }
    let mut adds = Vec::new();
    for arg in &p.positional {
        let (name, count) = match arg.split_once('=') {
            None => (arg.as_str(), 1),
            Some((name, spec)) => {
                let count = spec
                    .split(',')
                    .find(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                    .map_or(Ok(1), str::parse::<u32>)
                    .map_err(|_| {
                        ToolError::Usage(format!("cannot parse storage directive {arg:?}"))
                    })?;
                (name, count)
            }
        };
        let def = call.model.contract.storage_defs.get(name).ok_or_else(|| {
            ToolError::Failed(format!(
                "adding storage {name:?}: charm storage {name:?} not found"
            ))
        })?;
        let attached = call
            .model
            .contract
            .storage
            .keys()
            .filter(|id| id.split('/').next() == Some(name))
            .count() as u64;
        let asked: u64 = call
            .model
            .contract
            .pending
            .get(call.context_id)
            .map(|pending| {
                pending
                    .storage_adds
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, c)| u64::from(*c))
                    .sum()
            })
            .unwrap_or(0);
        if let Some(max) = def.max
            && attached + asked + u64::from(count) > u64::from(max)
        {
            return Err(ToolError::Failed(format!(
                "adding storage {name:?}: the charm allows at most {max} instance(s), {attached} attached"
            )));
        }
        adds.push((name.to_owned(), count));
    }
    call.model
        .contract
        .pending
        .entry(call.context_id.to_owned())
        .or_default()
        .storage_adds
        .extend(adds);
    Ok(Vec::new())
}

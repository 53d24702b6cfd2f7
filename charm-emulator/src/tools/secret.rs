//! `secret-add`, `secret-set`, `secret-get`, `secret-grant`, `secret-revoke`,
//! `secret-remove`, `secret-ids`, `secret-info-get`.
//!
//! Flags, arguments and messages follow juju/juju
//! `internal/worker/uniter/runner/jujuc/secret-*.go@0cdccd5f` (`secret-grant.go@285cce7f`,
//! `secret-remove.go@2ba9927e`); key names and `#base64` follow
//! `core/secrets/createsecret.go@0ffacc32`, with `#file` as later Juju and ops use it (ops
//! passes every value as `key#file=PATH` so no secret is on a command line). Ownership:
//! an application's secret is managed by its leader, a unit's by that unit, anything else is
//! `permission denied`; the owner always reads the latest revision, a consumer the revision
//! it tracks (`--peek` reads the latest once, `--refresh` moves the tracking to it).
//! Changes are kept in the hook's working copy and committed when the hook succeeds.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use serde_json::{Value, json};

use super::args::{Flag, RELATION, check_empty, parse};
use super::format::{Format, render};
use super::{Call, ToolError};
use crate::contract::{Grant, Secret, SecretOwner, fresh_secret_id, secret_id};
use crate::model::Model;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Juju's key rule: `^([a-z](?:-?[a-z0-9]){2,})$`.
pub(crate) fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_lowercase() || key.ends_with('-') || key.contains("--") {
        return false;
    }
    b.iter()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

fn not_valid(what: String) -> ToolError {
    ToolError::Usage(format!("{what} not valid"))
}

/// Plain content as Juju stores it: keys checked, values base64-encoded.
pub(crate) fn encode_args(
    content: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ToolError> {
    if content.is_empty() {
        return Err(ToolError::Failed("empty secret value not valid".to_owned()));
    }
    content
        .iter()
        .map(|(k, v)| {
            if valid_key(k) {
                Ok((k.clone(), B64.encode(v)))
            } else {
                Err(not_valid(format!("key {k:?}")))
            }
        })
        .collect()
}

/// `key=value`, `key#base64=value`, `key#file=path` (`CreateSecretData`).
fn content_args(call: &Call<'_>, args: &[String]) -> Result<BTreeMap<String, String>, ToolError> {
    let mut out = BTreeMap::new();
    for arg in args {
        // "Remove any base64 padding ("=") before splitting the key=value."
        let stripped = arg.trim_end_matches('=');
        let idx = stripped.find('=').filter(|i| *i >= 1);
        let Some(idx) = idx else {
            return Err(not_valid(format!("key value {arg:?}")));
        };
        let (key, value) = (&arg[..idx], &arg[idx + 1..]);
        let (key, encoded) = if let Some(k) = key.strip_suffix("#base64") {
            (k, value.to_owned())
        } else if let Some(k) = key.strip_suffix("#file") {
            let bytes = call.read_file_arg(value)?;
            (k, B64.encode(bytes))
        } else {
            (key, B64.encode(value))
        };
        if !valid_key(key) {
            return Err(not_valid(format!("key {key:?}")));
        }
        out.insert(key.to_owned(), encoded);
    }
    Ok(out)
}

/// `--file`: a YAML or JSON map of keys to values.
fn content_file(call: &Call<'_>, path: &str) -> Result<BTreeMap<String, String>, ToolError> {
    let data = call.read_file_arg(path)?;
    let map = super::yaml_settings(&data)?;
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let (key, encoded) = match k.strip_suffix("#base64") {
            Some(key) => (key.to_owned(), v),
            None => (k, B64.encode(v)),
        };
        if !valid_key(&key) {
            return Err(not_valid(format!("key {key:?}")));
        }
        out.insert(key, encoded);
    }
    Ok(out)
}

/// Whether this unit (or its application) owns `secret`.
pub(crate) fn owned_by(model: &Model, secret: &Secret) -> bool {
    match &secret.owner {
        SecretOwner::Application(app) => app == model.app_name(),
        SecretOwner::Unit(unit) => *unit == model.unit,
    }
}

/// Whether this unit may change `secret`: the leader for its application's, the unit for
/// its own.
fn can_manage(model: &Model, secret: &Secret) -> bool {
    match &secret.owner {
        SecretOwner::Application(app) => app == model.app_name() && model.leader,
        SecretOwner::Unit(unit) => *unit == model.unit,
    }
}

fn denied() -> ToolError {
    ToolError::Failed("permission denied".to_owned())
}

/// The secrets as this hook sees them.
fn secrets<'a>(call: &'a Call<'_>) -> &'a BTreeMap<String, Secret> {
    call.model
        .contract
        .pending
        .get(call.context_id)
        .and_then(|p| p.secrets.as_ref())
        .unwrap_or(&call.model.contract.secrets)
}

/// The hook's working copy, made on its first change.
fn secrets_mut<'a>(call: &'a mut Call<'_>) -> &'a mut BTreeMap<String, Secret> {
    let committed = call.model.contract.secrets.clone();
    call.model
        .contract
        .pending
        .entry(call.context_id.to_owned())
        .or_default()
        .secrets
        .get_or_insert(committed)
}

fn uri_arg(raw: &str) -> Result<String, ToolError> {
    secret_id(raw)
        .map(str::to_owned)
        .ok_or_else(|| not_valid(format!("secret URI {raw:?}")))
}

fn not_found(what: &str) -> ToolError {
    ToolError::Failed(format!("secret {what:?} not found"))
}

fn yaml_or_json(p: &super::args::Parsed) -> Result<Format, ToolError> {
    match p.value("format") {
        None | Some("yaml") => Ok(Format::Yaml),
        Some("json") => Ok(Format::Json),
        Some(other) => Err(ToolError::Usage(format!(
            "invalid value {other:?} for flag --format: unknown format {other:?}"
        ))),
    }
}

/// Metadata flags shared by `secret-add` and `secret-set` (`secretUpsertCommand`).
struct Upsert {
    expire: Option<String>,
    rotate: Option<String>,
    description: Option<String>,
    label: Option<String>,
    content: BTreeMap<String, String>,
    owner: String,
}

const UPSERT_FLAGS: &[Flag] = &[
    Flag::value("expire"),
    Flag::value("rotate"),
    Flag::value("description"),
    Flag::value("label"),
    Flag::value("file"),
    Flag::value("owner"),
];

const ROTATE_POLICIES: &[&str] = &[
    "never",
    "hourly",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
];

fn upsert(call: &Call<'_>, p: &super::args::Parsed, rest: &[String]) -> Result<Upsert, ToolError> {
    let expire = p.value("expire").map(expire_time).transpose()?;
    let rotate = p.value("rotate").filter(|r| !r.is_empty());
    if let Some(r) = rotate
        && !ROTATE_POLICIES.contains(&r)
    {
        return Err(not_valid(format!("rotate policy {r:?}")));
    }
    let owner = p.value("owner").unwrap_or("application");
    if owner != "application" && owner != "unit" {
        return Err(not_valid(format!("secret owner {owner:?}")));
    }
    let mut content = content_args(call, rest)?;
    if let Some(file) = p.value("file") {
        content.extend(content_file(call, file)?);
    }
    Ok(Upsert {
        expire,
        rotate: rotate.map(str::to_owned),
        description: p
            .value("description")
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        label: p
            .value("label")
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
        content,
        owner: owner.to_owned(),
    })
}

/// `--expire`: RFC 3339, `2006-01-02T15:04:05` (UTC), or a positive Go duration from now.
fn expire_time(spec: &str) -> Result<String, ToolError> {
    if looks_like_time(spec) {
        return Ok(
            if spec.ends_with('Z') || spec.contains('+') || spec[10..].contains('-') {
                spec.to_owned()
            } else {
                format!("{spec}Z")
            },
        );
    }
    let secs =
        go_duration(spec).ok_or_else(|| not_valid(format!("expire time or duration {spec:?}")))?;
    if secs <= 0.0 {
        return Err(not_valid(format!("negative expire duration {spec:?}")));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    Ok(crate::time::format_rfc3339(now + secs.ceil() as u64, 0))
}

fn looks_like_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
            .iter()
            .all(|i| b[*i].is_ascii_digit())
}

/// Go's `time.ParseDuration` in seconds: `24h`, `1h30m`, `90s`, `-5m`, `1.5h`.
fn go_duration(s: &str) -> Option<f64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number * scale;
    }
    Some(if neg { -total } else { total })
}

fn label_taken(
    secrets: &BTreeMap<String, Secret>,
    model: &Model,
    label: &str,
    except: Option<&str>,
) -> bool {
    secrets.iter().any(|(id, s)| {
        Some(id.as_str()) != except && owned_by(model, s) && s.label.as_deref() == Some(label)
    })
}

/// `secret-add [--owner application|unit] [--label ..] [--description ..] [--expire ..]
/// [--rotate ..] [--file PATH] [key[#base64|#file]=value ...]`: prints the new URI.
pub(super) fn secret_add(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(UPSERT_FLAGS, args)?;
    if p.positional.is_empty() && p.value("file").is_none() {
        return Err(ToolError::Usage(
            "missing secret value or filename".to_owned(),
        ));
    }
    let u = upsert(call, &p, &p.positional)?;
    if u.content.is_empty() {
        return Err(ToolError::Failed("empty secret value not valid".to_owned()));
    }
    let owner = if u.owner == "unit" {
        SecretOwner::Unit(call.model.unit.clone())
    } else {
        // Only the leader manages its application's secrets.
        if !call.model.leader {
            return Err(denied());
        }
        SecretOwner::Application(call.model.app_name().to_owned())
    };
    if let Some(label) = &u.label
        && label_taken(secrets(call), call.model, label, None)
    {
        return Err(ToolError::Failed(format!(
            "secret with label {label:?} already exists"
        )));
    }
    let id = fresh_secret_id();
    let secret = Secret {
        owner,
        label: u.label,
        description: u.description,
        expire: u.expire,
        rotate: u.rotate,
        revisions: BTreeMap::from([(1, u.content)]),
        grants: BTreeSet::new(),
        granted: false,
        consumer_label: None,
        tracked: None,
    };
    secrets_mut(call).insert(id.clone(), secret);
    Ok(format!("secret:{id}\n").into_bytes())
}

/// `secret-set <ID> [flags] [key[#base64|#file]=value ...]`: a new revision when the content
/// changes; metadata flags update in place.
pub(super) fn secret_set(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(UPSERT_FLAGS, args)?;
    let Some(raw) = p.positional.first() else {
        return Err(ToolError::Usage("missing secret URI".to_owned()));
    };
    let id = uri_arg(raw)?;
    let u = upsert(call, &p, &p.positional[1..])?;
    let secret = secrets(call).get(&id).ok_or_else(|| not_found(raw))?;
    if !can_manage(call.model, secret) {
        return Err(denied());
    }
    if let Some(label) = &u.label
        && label_taken(secrets(call), call.model, label, Some(&id))
    {
        return Err(ToolError::Failed(format!(
            "secret with label {label:?} already exists"
        )));
    }
    let secret = secrets_mut(call)
        .get_mut(&id)
        .ok_or_else(|| not_found(raw))?;
    if !u.content.is_empty() && secret.revisions.get(&secret.latest()) != Some(&u.content) {
        let next = secret.latest() + 1;
        secret.revisions.insert(next, u.content);
    }
    if u.label.is_some() {
        secret.label = u.label;
    }
    if u.description.is_some() {
        secret.description = u.description;
    }
    if u.expire.is_some() {
        secret.expire = u.expire;
    }
    if u.rotate.is_some() {
        secret.rotate = u.rotate;
    }
    Ok(Vec::new())
}

/// Finds a secret by id or label; returns its id.
fn find(call: &Call<'_>, id: Option<&str>, label: Option<&str>) -> Result<String, ToolError> {
    let all = secrets(call);
    match (id, label) {
        (Some(id), _) => all
            .contains_key(id)
            .then(|| id.to_owned())
            .ok_or_else(|| not_found(id)),
        (None, Some(label)) => all
            .iter()
            .find(|(_, s)| {
                let mine = if owned_by(call.model, s) {
                    &s.label
                } else {
                    &s.consumer_label
                };
                mine.as_deref() == Some(label)
            })
            .map(|(id, _)| id.clone())
            .ok_or_else(|| not_found(label)),
        (None, None) => Err(ToolError::Usage(
            "require either a secret URI or label".to_owned(),
        )),
    }
}

/// `secret-get <ID> [key[#base64]] [--label L] [--peek | --refresh] [--format yaml|json]`.
pub(super) fn secret_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(
        &[
            super::args::FORMAT,
            Flag::value("label"),
            Flag::boolean("peek"),
            Flag::boolean("refresh"),
        ],
        args,
    )?;
    let format = yaml_or_json(&p)?;
    let mut rest = p.positional.as_slice();
    let id = match rest.first() {
        Some(raw) => {
            rest = &rest[1..];
            Some(uri_arg(raw)?)
        }
        None => None,
    };
    let label = p.value("label").filter(|l| !l.is_empty());
    if id.is_none() && label.is_none() {
        return Err(ToolError::Usage(
            "require either a secret URI or label".to_owned(),
        ));
    }
    let (peek, refresh) = (p.flag("peek"), p.flag("refresh"));
    if peek && refresh {
        return Err(ToolError::Usage(
            "specify one of --peek or --refresh but not both".to_owned(),
        ));
    }
    let key = rest.first().cloned();
    if key.is_some() {
        check_empty(&rest[1..])?;
    }
    let id = find(call, id.as_deref(), if id.is_some() { None } else { label })?;
    let secret = &secrets(call)[&id];
    let owner = owned_by(call.model, secret);
    if !owner && !secret.granted {
        return Err(denied());
    }
    let latest = secret.latest();
    let rev = if owner || peek || refresh {
        latest
    } else {
        secret.tracked.unwrap_or(latest)
    };
    // Tracking and a label given with the URI are this unit's view of the secret.
    let relabel = label.is_some() && !p.positional.is_empty();
    let retrack = !owner && !peek && (refresh || secret.tracked.is_none());
    if relabel || retrack {
        let s = secrets_mut(call)
            .get_mut(&id)
            .ok_or_else(|| not_found(&id))?;
        if retrack {
            s.tracked = Some(rev);
        }
        if relabel {
            let label = label.map(str::to_owned);
            if owner {
                s.label = label;
            } else {
                s.consumer_label = label;
            }
        }
    }
    let stored = secrets(call)[&id]
        .revisions
        .get(&rev)
        .cloned()
        .ok_or_else(|| ToolError::Failed(format!("secret {id:?} revision {rev} not found")))?;
    let value = match key {
        None => Value::Object(
            crate::contract::decode_content(&stored)
                .map_err(ToolError::Failed)?
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        ),
        Some(key) => match key.strip_suffix("#base64") {
            Some(k) => Value::String(
                stored
                    .get(k)
                    .cloned()
                    .ok_or_else(|| ToolError::Failed(format!("secret key {k:?} not found")))?,
            ),
            None => {
                let raw = stored
                    .get(&key)
                    .ok_or_else(|| ToolError::Failed(format!("secret key {key:?} not found")))?;
                let bytes = B64
                    .decode(raw)
                    .map_err(|e| ToolError::Failed(format!("secret key {key:?}: {e}")))?;
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }
        },
    };
    Ok(render(format, &value))
}

/// The relation (`-r`, or the hook's) and its remote application.
fn relation_app(call: &Call<'_>, given: Option<&str>) -> Result<(u64, String), ToolError> {
    let id = super::relation::resolve_relation(call, given)?;
    let app = call.model.relations[&id].remote_app.clone();
    Ok((id, app))
}

fn managed_id(call: &Call<'_>, raw: Option<&String>) -> Result<String, ToolError> {
    let raw = raw.ok_or_else(|| ToolError::Usage("missing secret URI".to_owned()))?;
    let id = uri_arg(raw)?;
    let secret = secrets(call).get(&id).ok_or_else(|| not_found(raw))?;
    if !can_manage(call.model, secret) {
        return Err(denied());
    }
    Ok(id)
}

/// `secret-grant <ID> -r <relation> [--unit <unit>]`.
pub(super) fn secret_grant(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[RELATION, Flag::value("unit")], args)?;
    if p.positional.is_empty() {
        return Err(ToolError::Usage("missing secret URI".to_owned()));
    }
    uri_arg(&p.positional[0])?;
    let (relation, app) = relation_app(call, p.value("relation"))?;
    let target = match p.value("unit").filter(|u| !u.is_empty()) {
        Some(unit) => {
            if crate::model::validate_unit_name(unit).is_err() {
                return Err(not_valid(format!("unit {unit:?}")));
            }
            if unit.split('/').next() != Some(app.as_str()) {
                return Err(ToolError::Usage(format!(
                    "cannot specify unit {unit:?} in relation to application {app:?}"
                )));
            }
            unit.to_owned()
        }
        None => app,
    };
    check_empty(&p.positional[1..])?;
    let id = managed_id(call, p.positional.first())?;
    if let Some(s) = secrets_mut(call).get_mut(&id) {
        s.grants.insert(Grant { relation, target });
    }
    Ok(Vec::new())
}

/// `secret-revoke <ID> [-r <relation> | --app <app> | --unit <unit>]`.
pub(super) fn secret_revoke(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(
        &[
            RELATION,
            Flag::value("app").alias("application"),
            Flag::value("unit"),
        ],
        args,
    )?;
    if p.positional.is_empty() {
        return Err(ToolError::Usage("missing secret URI".to_owned()));
    }
    uri_arg(&p.positional[0])?;
    let mut app = p.value("app").filter(|a| !a.is_empty()).map(str::to_owned);
    let unit = p.value("unit").filter(|u| !u.is_empty()).map(str::to_owned);
    if let Some(a) = &app
        && crate::model::validate_app_name(a).is_err()
    {
        return Err(not_valid(format!("application {a:?}")));
    }
    if let Some(u) = &unit
        && crate::model::validate_unit_name(u).is_err()
    {
        return Err(not_valid(format!("unit {u:?}")));
    }
    if app.is_some() && unit.is_some() {
        return Err(ToolError::Usage(
            "specify only one of application or unit".to_owned(),
        ));
    }
    let given = p.value("relation");
    if given.is_some() || (call.context.hook.relation.is_some() && app.is_none() && unit.is_none())
    {
        let (_, remote) = relation_app(call, given)?;
        if app.is_some() {
            return Err(ToolError::Usage(
                "do not specify both relation and app".to_owned(),
            ));
        }
        app = Some(remote);
    }
    if app.is_none() && unit.is_none() {
        return Err(ToolError::Usage(
            "missing relation or application or unit".to_owned(),
        ));
    }
    check_empty(&p.positional[1..])?;
    let id = managed_id(call, p.positional.first())?;
    if let Some(s) = secrets_mut(call).get_mut(&id) {
        s.grants.retain(|g| match (&app, &unit) {
            // An application loses every grant to it and to its units.
            (Some(a), _) => g.target != *a && g.target.split('/').next() != Some(a.as_str()),
            (None, Some(u)) => g.target != *u,
            (None, None) => true,
        });
    }
    Ok(Vec::new())
}

/// `secret-remove <ID> [--revision N]`: one revision, or the whole secret.
pub(super) fn secret_remove(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[Flag::value("revision")], args)?;
    let revision = match p.value("revision") {
        None => None,
        Some(raw) => Some(raw.parse::<u32>().map_err(|_| {
            ToolError::Usage(format!(
                "invalid value {raw:?} for flag --revision: parse error"
            ))
        })?),
    }
    .filter(|r| *r > 0);
    if p.positional.is_empty() {
        return Err(ToolError::Usage("missing secret URI".to_owned()));
    }
    uri_arg(&p.positional[0])?;
    check_empty(&p.positional[1..])?;
    let id = managed_id(call, p.positional.first())?;
    let all = secrets_mut(call);
    match revision {
        None => {
            all.remove(&id);
        }
        Some(rev) => {
            let s = all.get_mut(&id).ok_or_else(|| not_found(&id))?;
            if s.revisions.remove(&rev).is_none() {
                return Err(ToolError::Failed(format!(
                    "secret revision {rev} for {id:?} not found"
                )));
            }
            if s.revisions.is_empty() {
                all.remove(&id);
            }
        }
    }
    Ok(Vec::new())
}

/// `secret-ids [--format]`: the ids of the secrets this unit and its application own.
pub(super) fn secret_ids(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[super::args::FORMAT], args)?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    let ids: Vec<Value> = secrets(call)
        .iter()
        .filter(|(_, s)| owned_by(call.model, s))
        .map(|(id, _)| Value::String(id.clone()))
        .collect();
    Ok(render(format, &Value::Array(ids)))
}

/// `secret-info-get <ID> | --label L [--format yaml|json]`: metadata of an owned secret.
pub(super) fn secret_info_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[super::args::FORMAT, Flag::value("label")], args)?;
    let format = yaml_or_json(&p)?;
    let id = p.positional.first().map(|raw| uri_arg(raw)).transpose()?;
    let label = p.value("label").filter(|l| !l.is_empty());
    match (&id, label) {
        (None, None) => {
            return Err(ToolError::Usage(
                "require either a secret URI or label".to_owned(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ToolError::Usage(
                "specify either a secret URI or label but not both".to_owned(),
            ));
        }
        _ => {}
    }
    check_empty(p.positional.get(1..).unwrap_or_default())?;
    let want = id.clone().or(label.map(str::to_owned)).unwrap_or_default();
    let found = secrets(call).iter().find(|(sid, s)| {
        owned_by(call.model, s)
            && match &id {
                Some(id) => *sid == id,
                None => s.label.as_deref() == label,
            }
    });
    let Some((sid, s)) = found else {
        return Err(not_found(&want));
    };
    let mut info = json!({
        "revision": s.latest(),
        "label": s.label.clone().unwrap_or_default(),
        "owner": match s.owner { SecretOwner::Application(_) => "application", SecretOwner::Unit(_) => "unit" },
    });
    if let Some(d) = &s.description {
        info["description"] = json!(d);
    }
    if let Some(r) = &s.rotate {
        info["rotation"] = json!(r);
    }
    if let Some(e) = &s.expire {
        info["expiry"] = json!(e);
    }
    if !s.grants.is_empty() {
        let access: Vec<Value> = s
            .grants
            .iter()
            .map(|g| {
                let target = if g.target.contains('/') {
                    format!("unit-{}", g.target.replace('/', "-"))
                } else {
                    format!("application-{}", g.target)
                };
                json!({
                    "target": target,
                    "scope": call.model.relation_id_string(g.relation),
                    "role": "view",
                })
            })
            .collect();
        info["access"] = Value::Array(access);
    }
    Ok(render(format, &json!({ sid.clone(): info })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_juju() {
        for ok in ["abc", "pass-word", "a1b", "db-pass2"] {
            assert!(valid_key(ok), "{ok}");
        }
        for bad in ["ab", "Abc", "1ab", "ab-", "a--b", "a_b", "a.b", ""] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(go_duration("24h"), Some(86400.0));
        assert_eq!(go_duration("1h30m"), Some(5400.0));
        assert_eq!(go_duration("-5m"), Some(-300.0));
        assert_eq!(go_duration("5"), None);
        assert_eq!(go_duration("x"), None);
        assert!(looks_like_time("2025-01-01T06:06:06"));
        assert!(!looks_like_time("24h"));
    }
}

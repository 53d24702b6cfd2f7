//! `unit-get` and `network-get`: answers come from the model (loopback by default).

use serde_json::{Map, Value, json};

use super::args::{FORMAT, Flag, RELATION, check_empty, parse};
use super::format::{Format, render};
use super::relation::resolve_relation;
use super::{Call, ToolError};
use crate::model::NetworkInfo;

/// `unit-get private-address|public-address [--format]`.
pub(super) fn unit_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    let Some(key) = p.positional.first() else {
        return Err(ToolError::Usage("no setting specified".to_owned()));
    };
    check_empty(&p.positional[1..])?;
    let addresses = &call.model.addresses;
    let value = match key.as_str() {
        "private-address" => &addresses.private_address,
        "public-address" => &addresses.public_address,
        _ => return Err(ToolError::Usage(format!("unknown setting {key:?}"))),
    };
    Ok(render(format, &Value::String(value.clone())))
}

/// The selective flags of `network-get`, with the key each shows under.
const SELECTORS: [(&str, &str); 4] = [
    ("primary-address", "primary-address"),
    ("bind-address", "bind-address"),
    ("ingress-address", "ingress-address"),
    ("egress-subnets", "egress-subnets"),
];

/// `network-get BINDING [-r ID] [--format] [--bind-address] [--ingress-address]
/// [--egress-subnets] [--primary-address]`.
///
/// Without a selective flag: `{"bind-addresses":[..],"egress-subnets":[..],
/// "ingress-addresses":[..]}` (with Juju's legacy duplicate keys). With one: just that value;
/// with several: a map of them. Without a binding, `-r`'s endpoint is used.
pub(super) fn network_get(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(
        &[
            FORMAT,
            RELATION,
            Flag::boolean("primary-address"),
            Flag::boolean("bind-address"),
            Flag::boolean("ingress-address"),
            Flag::boolean("egress-subnets"),
        ],
        args,
    )?;
    let format = p.format()?;
    let binding = match p.positional.first() {
        Some(b) => {
            check_empty(&p.positional[1..])?;
            b.clone()
        }
        None if p.value("relation").is_some() => {
            let id = resolve_relation(call, p.value("relation"))?;
            call.model.relations[&id].endpoint.clone()
        }
        None => return Err(ToolError::Usage("no arguments specified".to_owned())),
    };
    if p.value("relation").is_some() {
        resolve_relation(call, p.value("relation"))?;
    }
    let model = &*call.model;
    // Without metadata (a bare in-process model) every binding is accepted.
    let no_metadata = model.endpoints.is_empty() && model.extra_bindings.is_empty();
    let known = model.endpoints.contains_key(&binding) || model.extra_bindings.contains(&binding);
    if !known && !no_metadata {
        return Err(ToolError::Failed(format!(
            "no network config found for binding {binding:?}"
        )));
    }
    let info = model
        .network
        .bindings
        .get(&binding)
        .unwrap_or(&model.network.default);
    let selected: Vec<(&str, Value)> = SELECTORS
        .iter()
        .filter(|(flag, _)| p.flag(flag))
        .map(|(flag, key)| (*key, selector_value(info, flag)))
        .collect();
    let value = match selected.len() {
        0 => full_answer(info, format == Format::Json),
        1 => selected[0].1.clone(),
        _ => Value::Object(
            selected
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ),
    };
    Ok(render(format, &value))
}

fn selector_value(info: &NetworkInfo, flag: &str) -> Value {
    let first_bind = info
        .bind_addresses
        .iter()
        .flat_map(|b| &b.addresses)
        .map(|a| a.value.clone())
        .next();
    match flag {
        "ingress-address" => info
            .ingress_addresses
            .first()
            .cloned()
            .map_or(Value::Null, Value::String),
        "egress-subnets" => json!(info.egress_subnets),
        _ => first_bind.map_or(Value::Null, Value::String),
    }
}

/// The whole answer. The legacy keys `address`, `macaddress` and `interfacename` are
/// YAML-only: jujuc/network-get.go@2ba9927e tags them `json:"-" yaml:"address"` (and so on).
fn full_answer(info: &NetworkInfo, json_only: bool) -> Value {
    let binds: Vec<Value> = info
        .bind_addresses
        .iter()
        .map(|b| {
            let addresses: Vec<Value> = b
                .addresses
                .iter()
                .map(|a| {
                    let mut v = json!({
                        "hostname": a.hostname,
                        "value": a.value,
                        "cidr": a.cidr,
                    });
                    if !json_only {
                        v["address"] = json!(a.value);
                    }
                    v
                })
                .collect();
            let mut v = json!({
                "mac-address": b.mac_address,
                "interface-name": b.interface_name,
                "addresses": addresses,
            });
            if !json_only {
                v["macaddress"] = json!(b.mac_address);
                v["interfacename"] = json!(b.interface_name);
            }
            v
        })
        .collect();
    let mut out = Map::new();
    out.insert("bind-addresses".to_owned(), Value::Array(binds));
    out.insert("egress-subnets".to_owned(), json!(info.egress_subnets));
    out.insert(
        "ingress-addresses".to_owned(),
        json!(info.ingress_addresses),
    );
    Value::Object(out)
}

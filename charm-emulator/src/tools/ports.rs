//! `open-port`, `close-port` (buffered until the hook succeeds) and `opened-ports`.

use serde_json::Value;

use super::args::{FORMAT, check_empty, parse};
use super::format::render;
use super::{Call, ToolError};
use crate::context::PortChange;
use crate::model::PortRange;

/// `open-port PORT[/PROTOCOL] | FROM-TO[/PROTOCOL] | icmp`.
pub(super) fn open_port(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let range = port_arg(call, args, "open-port")?;
    call.context.pending.ports.push(PortChange::Open(range));
    Ok(Vec::new())
}

/// `close-port PORT[/PROTOCOL] | FROM-TO[/PROTOCOL] | icmp`.
pub(super) fn close_port(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let range = port_arg(call, args, "close-port")?;
    call.context.pending.ports.push(PortChange::Close(range));
    Ok(Vec::new())
}

fn port_arg(call: &mut Call<'_>, args: &[String], tool: &str) -> Result<PortRange, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let Some(raw) = p.positional.first() else {
        return Err(ToolError::Usage("no port or range specified".to_owned()));
    };
    let range = raw.parse::<PortRange>().map_err(ToolError::Usage)?;
    check_empty(&p.positional[1..])?;
    call.warn_deprecated_format(&p, tool);
    Ok(range)
}

/// `opened-ports [--format]`: the ports committed by earlier hooks (not this hook's pending
/// changes), e.g. `["80/tcp","1000-2000/udp","icmp"]`.
pub(super) fn opened_ports(call: &mut Call<'_>, args: &[String]) -> Result<Vec<u8>, ToolError> {
    let p = parse(&[FORMAT], args)?;
    let format = p.format()?;
    check_empty(&p.positional)?;
    let ports: Vec<Value> = call
        .model
        .opened_ports
        .iter()
        .map(|r| Value::String(r.to_string()))
        .collect();
    Ok(render(format, &Value::Array(ports)))
}

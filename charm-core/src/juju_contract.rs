//! Typed wrappers of the hook tools for secrets, storage, resources, goal-state, cloud
//! credentials and endpoint ports. Each method is exactly one tool call; flags and output
//! shapes follow juju/juju `internal/worker/uniter/runner/jujuc/` (`secret-add.go`,
//! `secret-get.go`, `secret-set.go`, `secret-revoke.go`, `secret-ids.go`,
//! `secret-info-get.go` @0cdccd5f, `secret-grant.go@285cce7f`, `secret-remove.go@2ba9927e`,
//! `storage-get.go@2365bb25`, `resource-get.go@0cdccd5f`, `goal-state.go@12baae6d`,
//! `credential-get.go@65266db7`, `ports.go@0cdccd5f`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde::Deserialize;

use crate::contract::{CloudSpec, GoalState};
use crate::error::{Error, Result};
use crate::juju::{Juju, Port};
use crate::secrets::{SecretContent, SecretId, SecretInfo, SecretOptions, SecretOwner, SecretRead};
use crate::storage::{StorageInstance, StorageKind};

fn strings<const N: usize>(list: [&str; N]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The content as `key#file=PATH` arguments, each value in a file of a private temporary
/// directory (0700), as ops does: no secret on a command line. The directory goes when the
/// returned guard drops, after the call.
fn content_files(content: &SecretContent) -> Result<(tempfile::TempDir, Vec<String>)> {
    let dir = tempfile::Builder::new()
        .prefix("charm-secret-")
        .tempdir()
        .map_err(|e| {
            Error::msg(format!(
                "cannot make a temporary directory for secret content: {e}"
            ))
        })?;
    let mut args = Vec::new();
    for (i, (key, value)) in content.iter().enumerate() {
        let path = dir.path().join(format!("{i}"));
        let mut file = std::fs::File::create(&path)
            .map_err(|e| Error::msg(format!("cannot write secret key `{key}` to a file: {e}")))?;
        file.write_all(value.expose().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::msg(format!("cannot write secret key `{key}` to a file: {e}")))?;
        args.push(format!("{key}#file={}", path.display()));
    }
    Ok((dir, args))
}

fn option_args(options: &SecretOptions, args: &mut Vec<String>) {
    if let Some(label) = options.label {
        args.extend(strings(["--label", label.as_str()]));
    }
    if let Some(description) = &options.description {
        args.push("--description".to_owned());
        args.push(crate::juju::free_text(description));
    }
    if let Some(expire) = &options.expire {
        args.push("--expire".to_owned());
        args.push(expire.arg());
    }
    if let Some(rotate) = options.rotate {
        args.extend(strings(["--rotate", rotate.as_str()]));
    }
}

impl Juju {
    /// `secret-add [--owner unit] [--label ..] ... key#file=PATH ...`: the new secret's id.
    pub fn secret_add(
        &mut self,
        content: &SecretContent,
        options: &SecretOptions,
    ) -> Result<SecretId> {
        if content.is_empty() {
            return Err(Error::msg("secret-add: a secret needs at least one key"));
        }
        let mut args = Vec::new();
        if options.owner == SecretOwner::Unit {
            args.extend(strings(["--owner", "unit"]));
        }
        option_args(options, &mut args);
        let (_files, content_args) = content_files(content)?;
        args.push("--".to_owned());
        args.extend(content_args);
        let out = self.call("secret-add", args, b"")?;
        SecretId::parse(String::from_utf8_lossy(&out).trim()).map_err(|e| Error::ToolOutput {
            tool: "secret-add".to_owned(),
            message: e.to_string(),
        })
    }

    /// `secret-get <ID> | --label L [--peek|--refresh] --format=json`: the whole content
    /// (with both, the label is given to the secret).
    pub fn secret_get(
        &mut self,
        id: Option<&SecretId>,
        label: Option<&str>,
        read: SecretRead,
    ) -> Result<SecretContent> {
        let mut args = Vec::new();
        if let Some(id) = id {
            args.push(id.as_str().to_owned());
        }
        if let Some(label) = label {
            args.extend(strings(["--label", label]));
        }
        match read {
            SecretRead::Tracked => {}
            SecretRead::Peek => args.push("--peek".to_owned()),
            SecretRead::Refresh => args.push("--refresh".to_owned()),
        }
        args.push("--format=json".to_owned());
        let map: Option<BTreeMap<String, String>> = self.json("secret-get", args)?;
        Ok(SecretContent::from_map(map.unwrap_or_default()))
    }

    /// `secret-set <ID> [metadata flags] [key#file=PATH ...]`.
    pub fn secret_set(
        &mut self,
        id: &SecretId,
        content: Option<&SecretContent>,
        options: &SecretOptions,
    ) -> Result<()> {
        let mut args = vec![id.as_str().to_owned()];
        option_args(options, &mut args);
        let files = match content {
            Some(content) if !content.is_empty() => {
                let (dir, content_args) = content_files(content)?;
                args.push("--".to_owned());
                args.extend(content_args);
                Some(dir)
            }
            _ => None,
        };
        let result = self.call("secret-set", args, b"").map(drop);
        drop(files);
        result
    }

    /// `secret-grant <ID> -r <relation> [--unit <unit>]`.
    pub fn secret_grant(
        &mut self,
        id: &SecretId,
        relation_id: &str,
        unit: Option<&str>,
    ) -> Result<()> {
        let mut args = strings([id.as_str(), "-r", relation_id]);
        if let Some(unit) = unit {
            args.extend(strings(["--unit", unit]));
        }
        self.call("secret-grant", args, b"").map(drop)
    }

    /// `secret-revoke <ID> [-r <relation>] [--unit <unit>]`.
    pub fn secret_revoke(
        &mut self,
        id: &SecretId,
        relation_id: Option<&str>,
        unit: Option<&str>,
    ) -> Result<()> {
        let mut args = vec![id.as_str().to_owned()];
        if let Some(rel) = relation_id {
            args.extend(strings(["-r", rel]));
        }
        if let Some(unit) = unit {
            args.extend(strings(["--unit", unit]));
        }
        self.call("secret-revoke", args, b"").map(drop)
    }

    /// `secret-remove <ID> [--revision N]`.
    pub fn secret_remove(&mut self, id: &SecretId, revision: Option<u32>) -> Result<()> {
        let mut args = vec![id.as_str().to_owned()];
        if let Some(rev) = revision {
            args.extend(["--revision".to_owned(), rev.to_string()]);
        }
        self.call("secret-remove", args, b"").map(drop)
    }

    /// `secret-ids --format=json`: the secrets this unit and its application own.
    pub fn secret_ids(&mut self) -> Result<Vec<SecretId>> {
        let ids: Option<Vec<String>> = self.json("secret-ids", strings(["--format=json"]))?;
        ids.unwrap_or_default()
            .iter()
            .map(|id| SecretId::parse(id))
            .collect()
    }

    /// `secret-info-get <ID> | --label L --format=json`.
    pub fn secret_info_get(
        &mut self,
        id: Option<&SecretId>,
        label: Option<&str>,
    ) -> Result<SecretInfo> {
        let mut args = Vec::new();
        if let Some(id) = id {
            args.push(id.as_str().to_owned());
        }
        if let Some(label) = label {
            args.extend(strings(["--label", label]));
        }
        args.push("--format=json".to_owned());
        let map: BTreeMap<String, SecretInfo> = self.json("secret-info-get", args)?;
        map.into_values().next().ok_or_else(|| Error::ToolOutput {
            tool: "secret-info-get".to_owned(),
            message: "no secret in the answer".to_owned(),
        })
    }

    /// `storage-list [NAME] --format=json`: instance ids (`data/0`).
    pub fn storage_list(&mut self, name: Option<&str>) -> Result<Vec<String>> {
        let mut args = Vec::new();
        if let Some(name) = name {
            args.push(name.to_owned());
        }
        args.push("--format=json".to_owned());
        let ids: Option<Vec<String>> = self.json("storage-list", args)?;
        Ok(ids.unwrap_or_default())
    }

    /// `storage-get [-s ID] --format=json`: kind and location (the hook's instance without
    /// an id).
    pub fn storage_get(&mut self, id: Option<&str>) -> Result<StorageInstance> {
        #[derive(Deserialize)]
        struct Answer {
            kind: StorageKind,
            location: PathBuf,
        }
        let mut args = Vec::new();
        if let Some(id) = id {
            args.extend(strings(["-s", id]));
        }
        args.push("--format=json".to_owned());
        let answer: Answer = self.json("storage-get", args)?;
        Ok(StorageInstance {
            id: id.unwrap_or_default().to_owned(),
            kind: answer.kind,
            location: answer.location,
        })
    }

    /// `storage-add NAME=COUNT`.
    pub fn storage_add(&mut self, name: &str, count: u32) -> Result<()> {
        self.call("storage-add", vec![format!("{name}={count}")], b"")
            .map(drop)
    }

    /// `resource-get NAME`: the local path of the resource's file.
    pub fn resource_get(&mut self, name: &str) -> Result<PathBuf> {
        let out = self.call("resource-get", vec![name.to_owned()], b"")?;
        let path = String::from_utf8_lossy(&out).trim().to_owned();
        if path.is_empty() {
            return Err(Error::ToolOutput {
                tool: "resource-get".to_owned(),
                message: format!("no path for resource `{name}`"),
            });
        }
        Ok(PathBuf::from(path))
    }

    /// `goal-state --format=json`.
    pub fn goal_state(&mut self) -> Result<GoalState> {
        self.json("goal-state", strings(["--format=json"]))
    }

    /// `credential-get --format=json` (trusted applications only).
    pub fn credential_get(&mut self) -> Result<CloudSpec> {
        self.json("credential-get", strings(["--format=json"]))
    }

    /// `open-port PORT --endpoints a,b`: opened for those endpoints only (Juju 2.9+).
    pub fn open_port_for(&mut self, port: Port, endpoints: &[&str]) -> Result<()> {
        let mut args = vec![port.to_string()];
        if !endpoints.is_empty() {
            args.extend(["--endpoints".to_owned(), endpoints.join(",")]);
        }
        self.call("open-port", args, b"").map(drop)
    }
}

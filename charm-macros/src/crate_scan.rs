//! What the macros can see of the rest of the crate: its source files, read from the crate
//! root through `mod name;` declarations. Used for checks no single module can make: a
//! `#[layer]` that no charm lists in `layers(...)`, and a second `#[charm]` in one crate.
//!
//! Only a binary crate is checked (`CARGO_BIN_NAME` is set): a charm is a binary, while
//! test crates and libraries may hold several charms and layers for other crates.
//!
//! Limits: modules behind `#[path]`, `include!` or macro-generated modules are not seen; a
//! crate whose root cannot be found is scanned from the file holding the attribute.

use std::path::{Path, PathBuf};

use syn::{Item, ItemMod};

use crate::parse::Kind;

/// One `#[charm]` / `#[layer]` module found in the crate's files.
struct Found {
    kind: Kind,
    file: PathBuf,
    ident: String,
    /// The last segment of each path in its `layers(...)`.
    layers: Vec<String>,
}

fn kind_of(module: &ItemMod) -> Option<(Kind, proc_macro2::TokenStream)> {
    module.attrs.iter().find_map(|attr| {
        let last = attr.path().segments.last()?.ident.to_string();
        let kind = match last.as_str() {
            "charm" => Kind::Charm,
            "layer" => Kind::Layer,
            _ => return None,
        };
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => proc_macro2::TokenStream::new(),
        };
        Some((kind, args))
    })
}

fn collect(items: &[Item], file: &Path, out: &mut Vec<Found>, mods: &mut Vec<String>) {
    for item in items {
        let Item::Mod(module) = item else { continue };
        if let Some((kind, args)) = kind_of(module) {
            let layers = crate::parse::args(kind, args)
                .args
                .layers
                .iter()
                .filter_map(|p| p.segments.last().map(|s| s.ident.to_string()))
                .collect();
            out.push(Found {
                kind,
                file: file.to_owned(),
                ident: module.ident.to_string(),
                layers,
            });
        }
        match &module.content {
            Some((_, inner)) => collect(inner, file, out, &mut Vec::new()),
            None => mods.push(module.ident.to_string()),
        }
    }
}

/// The crate root, as Cargo lays targets out; `None` when it is not found.
fn crate_root() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let candidates: Vec<PathBuf> = match std::env::var("CARGO_BIN_NAME") {
        Ok(bin) => vec![
            dir.join("src/main.rs"),
            dir.join(format!("src/bin/{bin}.rs")),
            dir.join(format!("src/bin/{bin}/main.rs")),
        ],
        Err(_) => vec![dir.join("src/lib.rs")],
    };
    candidates.into_iter().find(|p| p.is_file())
}

/// Every `#[charm]` / `#[layer]` module of the crate holding `here` (the file of the
/// attribute being expanded).
fn scan(here: Option<PathBuf>) -> Vec<Found> {
    let mut out = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut queue: Vec<(PathBuf, bool)> = Vec::new();
    let here = here.and_then(|h| h.canonicalize().ok());
    if let Some(root) = crate_root().and_then(|r| r.canonicalize().ok()) {
        queue.push((root, true));
    }
    while let Some((file, is_root)) = queue.pop() {
        if seen.contains(&file) {
            continue;
        }
        seen.push(file.clone());
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(parsed) = syn::parse_file(&text) else {
            continue;
        };
        let mut mods = Vec::new();
        collect(&parsed.items, &file, &mut out, &mut mods);
        // `mod a;` in `x.rs` is `x/a.rs`; in a root or `mod.rs`, `a.rs` next to it.
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let base = if is_root || stem == "mod" {
            file.parent().map(Path::to_owned)
        } else {
            file.parent().map(|p| p.join(stem))
        };
        for m in mods {
            if let Some(base) = &base {
                for candidate in [base.join(format!("{m}.rs")), base.join(&m).join("mod.rs")] {
                    if let Ok(c) = candidate.canonicalize() {
                        queue.push((c, false));
                        break;
                    }
                }
            }
        }
    }
    // The crate root was not found, or does not reach this file (trybuild, odd layouts):
    // scan this file alone.
    if let Some(here) = here
        && !seen.contains(&here)
    {
        out.retain(|_| false);
        if let Ok(text) = std::fs::read_to_string(&here)
            && let Ok(parsed) = syn::parse_file(&text)
        {
            collect(&parsed.items, &here, &mut out, &mut Vec::new());
        }
    }
    out
}

fn file_of(ident: &syn::Ident) -> Option<PathBuf> {
    ident.span().unwrap().local_file()
}

/// A charm after the first one of its crate is an error: one crate, one charm binary.
pub(crate) fn check_charm(ident: &syn::Ident, errors: &mut Vec<syn::Error>) {
    if std::env::var_os("CARGO_BIN_NAME").is_none() {
        return;
    }
    let here = file_of(ident);
    let found = scan(here.clone());
    let charms: Vec<&Found> = found.iter().filter(|f| f.kind == Kind::Charm).collect();
    let Some(first) = charms.first() else { return };
    let here = here.and_then(|h| h.canonicalize().ok());
    let is_first = *ident == first.ident && Some(&first.file) == here.as_ref();
    if charms.len() > 1 && !is_first {
        errors.push(syn::Error::new(
            ident.span(),
            format!(
                "a second `#[charm]` module in this crate (the first is `mod {}` in {}): a crate \
                 builds one charm, whose `CHARM` is its `dispatch`; move this one into its own \
                 crate, or make it a `#[layer]` that the first charm lists in `layers(...)`",
                first.ident,
                first.file.display()
            ),
        ));
    }
}

/// A layer that no charm or layer of its crate lists, in a crate that has a charm: its
/// handlers would never run. (A crate without a charm is a layer library: its layers are
/// for other crates.)
pub(crate) fn check_layer(ident: &syn::Ident, errors: &mut Vec<syn::Error>) {
    if std::env::var_os("CARGO_BIN_NAME").is_none() {
        return;
    }
    let found = scan(file_of(ident));
    let charm = found.iter().find(|f| f.kind == Kind::Charm);
    let Some(charm) = charm else { return };
    let name = ident.to_string();
    if found.iter().any(|f| f.layers.contains(&name)) {
        return;
    }
    errors.push(syn::Error::new(
        ident.span(),
        format!(
            "layer `{name}` is in no `layers(...)` of this crate, so its handlers never run; add \
             it to the charm: `#[charm_core::charm(layers(crate::{name}), ...)] mod {}`, or \
             remove the layer",
            charm.ident
        ),
    ));
}

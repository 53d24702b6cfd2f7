//! Walks a library crate's sources the way rustdoc shows them and lists every public item
//! without docs, or without a compiled example where the team's guide wants one.
//!
//! What counts as shown: the crate root; every `pub` item of a shown module; what a `pub use`
//! of a shown module names inside the crate (`pub use unit::Unit` shows the `pub struct Unit`
//! of the private `unit` module at the crate root; a glob shows every `pub` item of its
//! module); the `pub` fields, the variants and the trait items of shown types; the `pub`
//! associated items of inherent `impl`s of shown types, wherever in the crate the `impl` is;
//! `#[macro_export]` macros at the root. `#[doc(hidden)]` on an item, a module or a
//! re-export hides it and everything only reachable through it; `pub(crate)` and
//! `#[cfg(test)]` items are not shown. A proc-macro crate shows only its `#[proc_macro*]`
//! functions (and the root's docs). Re-exports of other crates are left to those crates.
//!
//! ```
//! let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
//! let report = doc_check::check(&doc_check::CrateSpec::new("doc-check", &root));
//! assert!(report.checked > 3, "the crate, check, CrateSpec, Report, Offender, ...");
//! assert!(report.offenders.is_empty(), "{:#?}", report.offenders);
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use syn::{Attribute, Expr, ImplItem, Item, Lit, Meta, TraitItem, UseTree, Visibility};

/// One crate to check: its name (for the report) and its root source file.
///
/// ```
/// let spec = doc_check::CrateSpec::new("charm-yaml", "charm-yaml/src/lib.rs");
/// assert_eq!(spec.name, "charm-yaml");
/// assert!(spec.mirror.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct CrateSpec {
    /// The package name, printed before each offender.
    pub name: String,
    /// `src/lib.rs` of the crate.
    pub root: PathBuf,
    /// Files whose lines may stand in for an `ignore` example: a proc-macro crate cannot run
    /// the runtime its macros expand to, so its examples are compiled in these files (of
    /// another crate) and an `ignore` block counts when every line of it is found there.
    pub mirror: Vec<PathBuf>,
}

impl CrateSpec {
    /// A crate checked on its own doctests only.
    ///
    /// ```
    /// let spec = doc_check::CrateSpec::new("charm-hooks", "charm-hooks/src/lib.rs");
    /// assert!(spec.root.ends_with("lib.rs"));
    /// ```
    pub fn new(name: &str, root: impl Into<PathBuf>) -> Self {
        CrateSpec {
            name: name.to_owned(),
            root: root.into(),
            mirror: Vec::new(),
        }
    }
}

/// What is wrong with a shown item.
///
/// ```
/// use doc_check::Problem;
/// assert!(Problem::NoDocs < Problem::NoExample, "listed first: the worse one");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// No doc comment at all.
    NoDocs,
    /// Docs, but no code block rustdoc compiles.
    NoExample,
}

/// One shown item that breaks a rule; it prints as `crate path (file:line): what`.
///
/// ```
/// use doc_check::{Offender, Problem};
/// let o = Offender {
///     krate: "charm-core".into(),
///     path: "charm_core::Unit".into(),
///     file: "charm-core/src/unit.rs".into(),
///     line: 42,
///     problem: Problem::NoExample,
/// };
/// assert_eq!(o.to_string(), "charm-core charm_core::Unit (charm-core/src/unit.rs:42): no compiled example");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offender {
    /// The package name.
    pub krate: String,
    /// The path rustdoc shows it at (`charm_core::Unit::config`).
    pub path: String,
    /// The source file declaring it.
    pub file: PathBuf,
    /// Its 1-based line in `file` (found in the text: syn keeps no lines here).
    pub line: usize,
    /// What is missing.
    pub problem: Problem,
}

impl fmt::Display for Offender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.problem {
            Problem::NoDocs => "no docs",
            Problem::NoExample => "no compiled example",
        };
        write!(
            f,
            "{} {} ({}:{}): {what}",
            self.krate,
            self.path,
            self.file.display(),
            self.line
        )
    }
}

/// The result of checking one crate.
///
/// ```
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
/// let report = doc_check::check(&doc_check::CrateSpec::new("doc-check", root));
/// assert!(report.shown.contains(&"doc_check::Report".to_owned()));
/// assert!(!report.shown.iter().any(|p| p.contains("Checker")), "private");
/// ```
#[derive(Debug, Default)]
pub struct Report {
    /// How many shown items were checked (modules, items, fields, variants, methods, ...).
    pub checked: usize,
    /// How many of them have a compiled example.
    pub with_example: usize,
    /// Every item that breaks a rule, sorted.
    pub offenders: Vec<Offender>,
    /// The paths of the shown modules and items (not their members), sorted: what rustdoc's
    /// `all.html` lists.
    pub shown: Vec<String>,
}

/// Checks one crate; unreadable or unparsable sources are reported as a panic naming the file
/// (a test cannot go on without them).
///
/// ```
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
/// let report = doc_check::check(&doc_check::CrateSpec::new("doc-check", root));
/// assert!(report.with_example >= 1);
/// ```
pub fn check(spec: &CrateSpec) -> Report {
    let mut krate = Crate::default();
    let text = read(&spec.root);
    let file =
        syn::parse_file(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", spec.root.display()));
    let dir = spec.root.parent().unwrap_or(Path::new(".")).to_owned();
    let proc_macro = is_proc_macro_crate(&spec.root);
    let root = krate.add_module(Module {
        name: String::new(),
        parent: None,
        file: spec.root.clone(),
        text: text.clone(),
        docs: docs_of(&file.attrs, &spec.root),
        hidden: false,
        public: true,
        line: 1,
        items: Vec::new(),
        children: HashMap::new(),
    });
    krate.load_items(root, file.items, &dir);
    let mirror: HashSet<String> = spec
        .mirror
        .iter()
        .flat_map(|p| {
            // A compiling file may nest the example in a `pub mod`, or make it `pub`.
            read(p)
                .lines()
                .flat_map(|l| {
                    let l = l.trim();
                    [Some(l), l.strip_prefix("pub ")]
                })
                .flatten()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let crate_ident = spec.name.replace('-', "_");
    let mut checker = Checker {
        krate: &krate,
        spec,
        mirror,
        report: Report::default(),
    };
    if proc_macro {
        checker.proc_macros(root, &crate_ident);
    } else {
        let shown = Shown::walk(&krate, root, &crate_ident);
        checker.all(&shown);
        checker.report.shown = shown
            .modules
            .values()
            .chain(shown.items.values())
            .cloned()
            .collect();
    }
    let mut report = checker.report;
    report.shown.sort();
    report.offenders.sort();
    report.offenders.dedup();
    report
}

fn is_proc_macro_crate(root: &Path) -> bool {
    let manifest = root
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("Cargo.toml"));
    manifest
        .and_then(|m| std::fs::read_to_string(m).ok())
        .is_some_and(|t| t.lines().any(|l| l.replace(' ', "") == "proc-macro=true"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Loading: the module tree, with each module's items.

struct Module {
    name: String,
    parent: Option<usize>,
    file: PathBuf,
    text: String,
    docs: String,
    hidden: bool,
    public: bool,
    line: usize,
    items: Vec<Item>,
    children: HashMap<String, usize>,
}

#[derive(Default)]
struct Crate {
    modules: Vec<Module>,
}

impl Crate {
    fn add_module(&mut self, module: Module) -> usize {
        self.modules.push(module);
        self.modules.len() - 1
    }

    /// Adds `items` to module `id`, loading its `mod` children (`dir` holds their files).
    fn load_items(&mut self, id: usize, items: Vec<Item>, dir: &Path) {
        for item in items {
            if let Item::Mod(m) = &item {
                if is_cfg_test(&m.attrs) {
                    continue;
                }
                let name = m.ident.to_string();
                let parent_file = self.modules[id].file.clone();
                let (file, text, child_dir, inner, inner_attrs) = match &m.content {
                    Some((_, inner)) => (
                        parent_file.clone(),
                        self.modules[id].text.clone(),
                        dir.join(&name),
                        inner.clone(),
                        Vec::new(),
                    ),
                    None => {
                        let file = module_file(dir, &name, &m.attrs);
                        let text = read(&file);
                        let parsed = syn::parse_file(&text)
                            .unwrap_or_else(|e| panic!("parsing {}: {e}", file.display()));
                        let child_dir = if file.ends_with("mod.rs") {
                            file.parent().unwrap_or(dir).to_owned()
                        } else {
                            dir.join(&name)
                        };
                        (file, text, child_dir, parsed.items, parsed.attrs)
                    }
                };
                let mut docs = docs_of(&m.attrs, &parent_file);
                docs.push_str(&docs_of(&inner_attrs, &file));
                let line = find_line(&self.modules[id].text, 0, &["mod"], &name).unwrap_or(1);
                let child = self.add_module(Module {
                    name: name.clone(),
                    parent: Some(id),
                    file,
                    text,
                    docs,
                    hidden: is_hidden(&m.attrs) || is_hidden(&inner_attrs),
                    public: matches!(m.vis, Visibility::Public(_)),
                    line,
                    items: Vec::new(),
                    children: HashMap::new(),
                });
                self.modules[id].children.insert(name, child);
                self.load_items(child, inner, &child_dir);
            }
            self.modules[id].items.push(item);
        }
    }
}

fn module_file(dir: &Path, name: &str, attrs: &[Attribute]) -> PathBuf {
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("path")
            && let Expr::Lit(lit) = &nv.value
            && let Lit::Str(s) = &lit.lit
        {
            return dir.join(s.value());
        }
    }
    let flat = dir.join(format!("{name}.rs"));
    if flat.is_file() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

// ---------------------------------------------------------------------------------------------
// Attributes.

fn docs_of(attrs: &[Attribute], file: &Path) -> String {
    let mut docs = String::new();
    for attr in attrs {
        let Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        if !nv.path.is_ident("doc") {
            continue;
        }
        match &nv.value {
            Expr::Lit(lit) => {
                if let Lit::Str(s) = &lit.lit {
                    docs.push_str(&s.value());
                    docs.push('\n');
                }
            }
            // `#[doc = include_str!("../README.md")]`
            Expr::Macro(mac) if mac.mac.path.is_ident("include_str") => {
                if let Ok(lit) = mac.mac.parse_body::<syn::LitStr>() {
                    let dir = file.parent().unwrap_or(Path::new("."));
                    docs.push_str(&read(&dir.join(lit.value())));
                    docs.push('\n');
                }
            }
            _ => {}
        }
    }
    docs
}

fn is_hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let Meta::List(list) = &attr.meta else {
            return false;
        };
        list.path.is_ident("doc")
            && list
                .tokens
                .to_string()
                .split(',')
                .any(|t| t.trim() == "hidden")
    })
}

fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let Meta::List(list) = &attr.meta else {
            return false;
        };
        list.path.is_ident("cfg") && list.tokens.to_string().trim() == "test"
    })
}

fn has_attr(attrs: &[Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// Whether `docs` hold a code block rustdoc compiles (`ignore`, `compile_fail`, `text`, a
/// language other than Rust are not examples); with `mirror`, an `ignore` block whose every
/// line is in it counts too.
fn has_example(docs: &str, mirror: &HashSet<String>) -> bool {
    let mut lines = docs.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed
            .strip_prefix("```")
            .or_else(|| trimmed.strip_prefix("~~~"))
        else {
            continue;
        };
        let fence = &trimmed[..3];
        let mut body = Vec::new();
        for inner in lines.by_ref() {
            if inner.trim_start().starts_with(fence) {
                break;
            }
            body.push(inner);
        }
        let tokens: Vec<&str> = info
            .split([',', ' ', '\t'])
            .filter(|t| !t.is_empty())
            .collect();
        let rust = tokens.iter().all(|t| {
            matches!(
                *t,
                "rust" | "no_run" | "should_panic" | "test_harness" | "standalone_crate" | "ignore"
            ) || t.starts_with("edition")
        });
        let ignored = tokens.contains(&"ignore");
        if rust && !ignored {
            return true;
        }
        if rust && ignored && !mirror.is_empty() && body.iter().any(|l| !l.trim().is_empty()) {
            let mirrored = body.iter().all(|l| {
                let l = l.trim();
                let l = l.strip_prefix("# ").unwrap_or(l).trim();
                // The fixture paths differ between the doc and the crate compiling it.
                l.is_empty() || l.contains(".yaml\"") || mirror.contains(l)
            });
            if mirrored {
                return true;
            }
        }
    }
    false
}

/// The line of the first `<keyword> <name>` (a whole word) at or after line `from` (0-based),
/// outside line comments.
fn find_line(text: &str, from: usize, keywords: &[&str], name: &str) -> Option<usize> {
    for (n, line) in text.lines().enumerate().skip(from) {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for kw in keywords {
            let needle = format!("{kw} {name}");
            let mut start = 0;
            while let Some(at) = code[start..].find(&needle) {
                let at = start + at;
                let before_ok = at == 0
                    || !code[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_');
                let after = code[at + needle.len()..].chars().next();
                let after_ok = !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
                if before_ok && after_ok {
                    return Some(n + 1);
                }
                start = at + needle.len();
            }
        }
    }
    None
}

/// The line of the first line at or after `from` (0-based) starting with `name` as a whole
/// word (a field `name:` or a variant `Name`), outside comments.
fn find_member(text: &str, from: usize, name: &str) -> Option<usize> {
    for (n, line) in text.lines().enumerate().skip(from) {
        let code = line.trim_start();
        let code = code.strip_prefix("pub ").unwrap_or(code);
        if let Some(rest) = code.strip_prefix(name)
            && !rest
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return Some(n + 1);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Name resolution, enough for re-exports and `impl` self types.

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Target {
    Module(usize),
    Item(usize, usize),
}

struct UseEntry {
    path: Vec<String>,
    /// `None` for a glob.
    local: Option<String>,
    public: bool,
    hidden: bool,
}

fn use_entries(
    tree: &UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_entries(&p.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                out.push((prefix.clone(), prefix.last().cloned()));
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push((path, Some(name)));
            }
        }
        UseTree::Rename(r) => {
            let mut path = prefix.clone();
            let name = r.ident.to_string();
            if name != "self" {
                path.push(name);
            }
            out.push((path, Some(r.rename.to_string())));
        }
        UseTree::Glob(_) => out.push((prefix.clone(), None)),
        UseTree::Group(g) => {
            for t in &g.items {
                use_entries(t, prefix, out);
            }
        }
    }
}

fn item_name(item: &Item) -> Option<String> {
    let ident = match item {
        Item::Const(i) => &i.ident,
        Item::Enum(i) => &i.ident,
        Item::Fn(i) => &i.sig.ident,
        Item::Macro(i) => i.ident.as_ref()?,
        Item::Static(i) => &i.ident,
        Item::Struct(i) => &i.ident,
        Item::Trait(i) => &i.ident,
        Item::TraitAlias(i) => &i.ident,
        Item::Type(i) => &i.ident,
        Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        _ => &[],
    }
}

fn item_vis(item: &Item) -> Option<&Visibility> {
    Some(match item {
        Item::Const(i) => &i.vis,
        Item::Enum(i) => &i.vis,
        Item::Fn(i) => &i.vis,
        Item::Static(i) => &i.vis,
        Item::Struct(i) => &i.vis,
        Item::Trait(i) => &i.vis,
        Item::TraitAlias(i) => &i.vis,
        Item::Type(i) => &i.vis,
        Item::Union(i) => &i.vis,
        _ => return None,
    })
}

impl Crate {
    fn uses(&self, m: usize) -> Vec<UseEntry> {
        let mut out = Vec::new();
        for item in &self.modules[m].items {
            if let Item::Use(u) = item {
                if is_cfg_test(&u.attrs) {
                    continue;
                }
                let mut entries = Vec::new();
                use_entries(&u.tree, &mut Vec::new(), &mut entries);
                for (path, local) in entries {
                    out.push(UseEntry {
                        path,
                        local,
                        public: is_pub(&u.vis),
                        hidden: is_hidden(&u.attrs),
                    });
                }
            }
        }
        out
    }

    /// What `path` names from inside module `m` (empty: another crate's, or unknown).
    fn resolve(&self, m: usize, path: &[String], depth: usize) -> Vec<Target> {
        if depth > 16 || path.is_empty() {
            return Vec::new();
        }
        let mut current = vec![Target::Module(m)];
        for (i, seg) in path.iter().enumerate() {
            let mut next = Vec::new();
            for t in &current {
                let Target::Module(at) = *t else { continue };
                match seg.as_str() {
                    "crate" if i == 0 => next.push(Target::Module(0)),
                    "self" => next.push(Target::Module(at)),
                    "super" => {
                        if let Some(p) = self.modules[at].parent {
                            next.push(Target::Module(p));
                        }
                    }
                    name => next.extend(self.lookup(at, name, depth)),
                }
            }
            // Only modules go on along a path.
            if i + 1 < path.len() {
                next.retain(|t| matches!(t, Target::Module(_)));
            }
            next.dedup();
            current = next;
        }
        current
    }

    fn lookup(&self, m: usize, name: &str, depth: usize) -> Vec<Target> {
        let module = &self.modules[m];
        let mut found = Vec::new();
        if let Some(&child) = module.children.get(name) {
            found.push(Target::Module(child));
        }
        for (idx, item) in module.items.iter().enumerate() {
            if item_name(item).as_deref() == Some(name) {
                found.push(Target::Item(m, idx));
            }
        }
        let uses = self.uses(m);
        for u in uses.iter().filter(|u| u.local.as_deref() == Some(name)) {
            found.extend(self.resolve(m, &u.path, depth + 1));
        }
        if found.is_empty() {
            for u in uses.iter().filter(|u| u.local.is_none()) {
                for t in self.resolve(m, &u.path, depth + 1) {
                    if let Target::Module(g) = t
                        && g != m
                    {
                        found.extend(self.lookup(g, name, depth + 1));
                    }
                }
            }
        }
        found
    }
}

// ---------------------------------------------------------------------------------------------
// What rustdoc shows.

struct Shown {
    /// Module id -> shown path.
    modules: BTreeMap<usize, String>,
    /// (module, item index) -> shown path.
    items: BTreeMap<(usize, usize), String>,
}

impl Shown {
    fn walk(krate: &Crate, root: usize, crate_ident: &str) -> Shown {
        let mut shown = Shown {
            modules: BTreeMap::new(),
            items: BTreeMap::new(),
        };
        let mut seen = HashSet::new();
        let mut queue = vec![(root, crate_ident.to_owned(), true)];
        while let Some((m, path, is_module)) = queue.pop() {
            if !seen.insert((m, path.clone(), is_module)) {
                continue;
            }
            if is_module {
                shown.modules.entry(m).or_insert_with(|| path.clone());
            }
            let module = &krate.modules[m];
            for (idx, item) in module.items.iter().enumerate() {
                let attrs = item_attrs(item);
                if is_hidden(attrs) || is_cfg_test(attrs) {
                    continue;
                }
                match item {
                    Item::Mod(md) if is_pub(&md.vis) => {
                        if let Some(&child) = module.children.get(&md.ident.to_string()) {
                            queue.push((child, format!("{path}::{}", md.ident), true));
                        }
                    }
                    Item::Macro(mac) if has_attr(&mac.attrs, "macro_export") => {
                        if let Some(name) = &mac.ident {
                            shown
                                .items
                                .entry((m, idx))
                                .or_insert_with(|| format!("{crate_ident}::{name}"));
                        }
                    }
                    _ => {
                        if item_vis(item).is_some_and(is_pub)
                            && let Some(name) = item_name(item)
                        {
                            shown
                                .items
                                .entry((m, idx))
                                .or_insert_with(|| format!("{path}::{name}"));
                        }
                    }
                }
            }
            for u in krate.uses(m) {
                if !u.public || u.hidden {
                    continue;
                }
                for t in krate.resolve(m, &u.path, 0) {
                    match (t, &u.local) {
                        // A glob shows the module's public items at this path.
                        (Target::Module(g), None) => queue.push((g, path.clone(), false)),
                        (Target::Module(g), Some(local)) => {
                            if !krate.modules[g].hidden {
                                queue.push((g, format!("{path}::{local}"), true));
                            }
                        }
                        (Target::Item(im, idx), Some(local)) => {
                            let item = &krate.modules[im].items[idx];
                            if !is_hidden(item_attrs(item)) {
                                shown
                                    .items
                                    .entry((im, idx))
                                    .or_insert_with(|| format!("{path}::{local}"));
                            }
                        }
                        (Target::Item(..), None) => {}
                    }
                }
            }
        }
        // rustdoc lists a module at its `pub mod` path and an item at its own module's path
        // when those are shown, not at the path of a re-export.
        for (m, path) in shown.modules.iter_mut() {
            if let Some(canonical) = canonical_path(krate, *m, crate_ident) {
                *path = canonical;
            }
        }
        for ((m, idx), path) in shown.items.iter_mut() {
            if let (Some(module_path), Some(name)) = (
                shown.modules.get(m),
                item_name(&krate.modules[*m].items[*idx]),
            ) {
                let defined = krate.modules[*m].parent.is_none()
                    || module_path.rsplit("::").next() == Some(krate.modules[*m].name.as_str());
                if defined {
                    *path = format!("{module_path}::{name}");
                }
            }
        }
        shown
    }
}

/// `crate::a::b` for module `b` when every module from the root to it is `pub` and shown.
fn canonical_path(krate: &Crate, m: usize, crate_ident: &str) -> Option<String> {
    let module = &krate.modules[m];
    match module.parent {
        None => Some(crate_ident.to_owned()),
        Some(p) if module.public && !module.hidden => Some(format!(
            "{}::{}",
            canonical_path(krate, p, crate_ident)?,
            module.name
        )),
        Some(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The rules.

struct Checker<'a> {
    krate: &'a Crate,
    spec: &'a CrateSpec,
    mirror: HashSet<String>,
    report: Report,
}

impl Checker<'_> {
    fn note(&mut self, m: usize, path: &str, line: usize, docs: &str, needs_example: bool) {
        self.report.checked += 1;
        let problem = if docs.trim().is_empty() {
            Some(Problem::NoDocs)
        } else if has_example(docs, &self.mirror) {
            self.report.with_example += 1;
            None
        } else if needs_example {
            Some(Problem::NoExample)
        } else {
            None
        };
        if let Some(problem) = problem {
            let file = &self.krate.modules[m].file;
            let file = file
                .strip_prefix(
                    self.spec
                        .root
                        .parent()
                        .and_then(Path::parent)
                        .unwrap_or(Path::new("")),
                )
                .unwrap_or(file);
            self.report.offenders.push(Offender {
                krate: self.spec.name.clone(),
                path: path.to_owned(),
                file: Path::new(&self.spec.name).join(file),
                line,
                problem,
            });
        }
    }

    fn all(&mut self, shown: &Shown) {
        for (&m, path) in &shown.modules {
            let module = &self.krate.modules[m];
            let docs = module.docs.clone();
            // The `mod` line is in the parent's file; point at the module's own file when it
            // has one.
            let line = if module.parent.is_some()
                && module.file != self.krate.modules[module.parent.unwrap_or(0)].file
            {
                1
            } else {
                module.line
            };
            self.note(m, path, line, &docs, true);
        }
        for (&(m, idx), path) in &shown.items {
            let module = &self.krate.modules[m];
            let item = &module.items[idx];
            let file_path = module.file.clone();
            let text = &module.text;
            let name = item_name(item).unwrap_or_default();
            let kw: &[&str] = match item {
                Item::Const(_) => &["const"],
                Item::Enum(_) => &["enum"],
                Item::Fn(_) => &["fn"],
                Item::Macro(_) => &["macro_rules!"],
                Item::Static(_) => &["static"],
                Item::Struct(_) => &["struct"],
                Item::Trait(_) | Item::TraitAlias(_) => &["trait"],
                Item::Type(_) => &["type"],
                Item::Union(_) => &["union"],
                _ => &[],
            };
            let line = find_line(text, 0, kw, &name).unwrap_or(1);
            let docs = docs_of(item_attrs(item), &file_path);
            let needs_example = !matches!(item, Item::Const(_) | Item::Static(_));
            self.note(m, path, line, &docs, needs_example);
            match item {
                Item::Struct(s) => self.fields(m, path, line, &s.fields),
                Item::Union(u) => {
                    for f in &u.fields.named {
                        self.field(m, path, line, f);
                    }
                }
                Item::Enum(e) => {
                    for v in &e.variants {
                        if is_hidden(&v.attrs) {
                            continue;
                        }
                        let vname = v.ident.to_string();
                        let vline = find_member(text, line, &vname).unwrap_or(line);
                        let vpath = format!("{path}::{vname}");
                        let vdocs = docs_of(&v.attrs, &file_path);
                        self.note(m, &vpath, vline, &vdocs, false);
                        if let syn::Fields::Named(named) = &v.fields {
                            // A variant's fields are as public as the enum.
                            for f in named.named.iter().filter(|f| !is_hidden(&f.attrs)) {
                                self.member_field(m, &vpath, vline, f);
                            }
                        }
                    }
                }
                Item::Trait(t) => {
                    for ti in &t.items {
                        let (attrs, tname, tkw): (&[Attribute], String, &str) = match ti {
                            TraitItem::Const(c) => (&c.attrs, c.ident.to_string(), "const"),
                            TraitItem::Fn(f) => (&f.attrs, f.sig.ident.to_string(), "fn"),
                            TraitItem::Type(ty) => (&ty.attrs, ty.ident.to_string(), "type"),
                            _ => continue,
                        };
                        if is_hidden(attrs) {
                            continue;
                        }
                        let tline = find_line(text, line, &[tkw], &tname).unwrap_or(line);
                        let tdocs = docs_of(attrs, &file_path);
                        self.note(m, &format!("{path}::{tname}"), tline, &tdocs, false);
                    }
                }
                _ => {}
            }
        }
        self.impls(shown);
    }

    fn fields(&mut self, m: usize, path: &str, line: usize, fields: &syn::Fields) {
        for f in fields.iter() {
            self.field(m, path, line, f);
        }
    }

    fn field(&mut self, m: usize, path: &str, line: usize, f: &syn::Field) {
        if is_pub(&f.vis) && !is_hidden(&f.attrs) {
            self.member_field(m, path, line, f);
        }
    }

    fn member_field(&mut self, m: usize, path: &str, line: usize, f: &syn::Field) {
        // rustc's missing_docs asks nothing of a tuple field; neither do we.
        let Some(id) = &f.ident else { return };
        let module = &self.krate.modules[m];
        let fpath = format!("{path}::{id}");
        let fline = find_member(&module.text, line, &id.to_string()).unwrap_or(line);
        let docs = docs_of(&f.attrs, &module.file.clone());
        self.note(m, &fpath, fline, &docs, false);
    }

    /// The `pub` items of inherent impls of shown types, in any module of the crate.
    fn impls(&mut self, shown: &Shown) {
        for m in 0..self.krate.modules.len() {
            let module = &self.krate.modules[m];
            let mut impl_line = 0;
            for item in &module.items {
                let Item::Impl(imp) = item else { continue };
                if imp.trait_.is_some() || is_hidden(&imp.attrs) || is_cfg_test(&imp.attrs) {
                    continue;
                }
                let syn::Type::Path(tp) = &*imp.self_ty else {
                    continue;
                };
                let segs: Vec<String> = tp
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let type_name = segs.last().cloned().unwrap_or_default();
                let targets = self.krate.resolve(m, &segs, 0);
                let Some(type_path) = targets.iter().find_map(|t| match t {
                    Target::Item(im, idx) => shown.items.get(&(*im, *idx)).cloned(),
                    Target::Module(_) => None,
                }) else {
                    continue;
                };
                impl_line =
                    find_impl_line(&module.text, impl_line, &type_name).unwrap_or(impl_line);
                for ii in &imp.items {
                    let (attrs, vis, name, kw): (&[Attribute], &Visibility, String, &str) = match ii
                    {
                        ImplItem::Const(c) => (&c.attrs, &c.vis, c.ident.to_string(), "const"),
                        ImplItem::Fn(f) => (&f.attrs, &f.vis, f.sig.ident.to_string(), "fn"),
                        ImplItem::Type(t) => (&t.attrs, &t.vis, t.ident.to_string(), "type"),
                        _ => continue,
                    };
                    if !is_pub(vis) || is_hidden(attrs) {
                        continue;
                    }
                    let line =
                        find_line(&module.text, impl_line, &[kw], &name).unwrap_or(impl_line);
                    let docs = docs_of(attrs, &module.file.clone());
                    self.note(m, &format!("{type_path}::{name}"), line, &docs, false);
                }
                impl_line += 1;
            }
        }
    }

    /// A proc-macro crate shows its root docs and its `#[proc_macro*]` functions, also those
    /// a local `macro_rules!` stamps out from `#[doc] name,` lists.
    fn proc_macros(&mut self, root: usize, crate_ident: &str) {
        let module = &self.krate.modules[root];
        let docs = module.docs.clone();
        self.note(root, crate_ident, 1, &docs, true);
        let is_macro_fn = |attrs: &[Attribute]| {
            ["proc_macro", "proc_macro_attribute", "proc_macro_derive"]
                .iter()
                .any(|a| has_attr(attrs, a))
        };
        let stamping: HashSet<String> = module
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Macro(m)
                    if m.ident.is_some()
                        && m.mac.tokens.to_string().contains("proc_macro_attribute") =>
                {
                    m.ident.as_ref().map(ToString::to_string)
                }
                _ => None,
            })
            .collect();
        let mut found = Vec::new();
        for item in &module.items {
            match item {
                Item::Fn(f) if is_macro_fn(&f.attrs) && !is_hidden(&f.attrs) => {
                    found.push((f.sig.ident.to_string(), f.attrs.clone()));
                }
                Item::Macro(m)
                    if m.ident.is_none()
                        && m.mac
                            .path
                            .get_ident()
                            .is_some_and(|i| stamping.contains(&i.to_string())) =>
                {
                    let list = m
                        .mac
                        .parse_body_with(syn::punctuated::Punctuated::<Stamped, syn::Token![,]>::parse_terminated)
                        .unwrap_or_default();
                    for s in list {
                        found.push((s.ident.to_string(), s.attrs));
                    }
                }
                _ => {}
            }
        }
        for (name, attrs) in found {
            let line = find_line(&module.text, 0, &["fn"], &name)
                .or_else(|| find_member(&module.text, 0, &name))
                .unwrap_or(1);
            let docs = docs_of(&attrs, &module.file.clone());
            self.note(root, &format!("{crate_ident}::{name}"), line, &docs, true);
        }
    }
}

/// `#[doc = ...]* name` in a list a `macro_rules!` turns into proc macros.
struct Stamped {
    attrs: Vec<Attribute>,
    ident: syn::Ident,
}

impl syn::parse::Parse for Stamped {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        Ok(Stamped {
            attrs: input.call(Attribute::parse_outer)?,
            ident: input.parse()?,
        })
    }
}

fn find_impl_line(text: &str, from: usize, type_name: &str) -> Option<usize> {
    for (n, line) in text.lines().enumerate().skip(from) {
        let code = line.trim_start();
        if (code.starts_with("impl ") || code.starts_with("impl<"))
            && !code.contains(" for ")
            && code
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == type_name)
        {
            return Some(n);
        }
    }
    None
}

//! The charm's flag graph, drawn from its registry: handlers, the flags their conditions
//! read (`when`, `when_not`, `when_any`, `when_not_all` edges), the flags their bodies set
//! and clear (what `#[charm]` read from them, see [`HandlerDef::sets`]) and the triggers.
//! Flags the framework raises (config, endpoint and interface flags) and flags of layers are
//! styled apart from the charm's own.
//!
//! A charm binary prints it when run as `<charm> --graph` (mermaid) or `--graph=dot`
//! (Graphviz); `cargo charm graph` renders that to SVG. `--ran=a,b` highlights handlers
//! (the emulator's `status --graph` passes the ones its last hook ran).
//!
//! ```
//! # static CHARM: charm_core::Charm = charm_core::Charm {
//! #     name: "x", endpoints: &[], config: &[], leader: &[],
//! #     layer: charm_core::Layer { name: "x", flags: &[], handlers: &[], triggers: &[], layers: &[] } };
//! let text = charm_core::graph::render(&CHARM, charm_core::graph::Format::Mermaid, &[]);
//! assert!(text.starts_with("flowchart LR"));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::registry::{Charm, Cond, HandlerDef, Layer, TriggerWhen};

/// How to write the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Mermaid `flowchart` text, for docs.
    Mermaid,
    /// Graphviz DOT, for `dot -Tsvg`.
    Dot,
}

/// Who provides a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FlagKind {
    /// Declared in the charm's `flags(...)`.
    Charm,
    /// Declared by one of its layers.
    Layer,
    /// Raised by the framework: config, endpoint and interface flags, and
    /// `upgrade.series.in-progress`.
    Framework,
}

/// One edge of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// A condition: flag -> handler, labelled by the condition's kind.
    Reads {
        /// Index into [`Graph::flags`].
        flag: usize,
        /// Index into [`Graph::handlers`].
        handler: usize,
        /// `when`, `when_not`, `when_any` or `when_not_all`.
        label: &'static str,
    },
    /// A flag the handler sets (`set`) or clears (`clear`).
    Writes {
        /// Index into [`Graph::handlers`].
        handler: usize,
        /// Index into [`Graph::flags`].
        flag: usize,
        /// `set` or `clear`.
        label: &'static str,
    },
    /// A trigger: when `from` is set (or cleared), `to` is set (or cleared).
    Trigger {
        /// The flag whose change fires it.
        from: usize,
        /// The flag it changes.
        to: usize,
        /// e.g. `trigger: set` or `trigger (cleared): clear`.
        label: &'static str,
    },
}

/// The graph of a charm, in registration order.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Handlers: full name (`module::function`) and a note of non-flag conditions.
    pub handlers: Vec<(&'static str, String)>,
    /// Flags that appear on an edge, with who provides them.
    pub flags: Vec<(String, FlagKind)>,
    /// The edges.
    pub edges: Vec<Edge>,
}

fn collect_layers(layer: &'static Layer, out: &mut Vec<&'static Layer>) {
    if out.iter().any(|seen| std::ptr::eq(*seen, layer)) {
        return;
    }
    for dep in layer.layers {
        collect_layers(dep, out);
    }
    if !out.iter().any(|seen| std::ptr::eq(*seen, layer)) {
        out.push(layer);
    }
}

impl Graph {
    /// The graph of `charm` and its layers.
    pub fn of(charm: &'static Charm) -> Self {
        let mut layers = Vec::new();
        collect_layers(&charm.layer, &mut layers);
        let framework: Vec<String> = crate::config::flag_names(charm)
            .into_iter()
            .chain(charm.endpoints.iter().flat_map(crate::endpoint::flag_names))
            .chain([crate::unit::UPGRADE_SERIES_FLAG.to_owned()])
            .collect();
        let kind = |name: &str| -> FlagKind {
            if charm.layer.flags.contains(&name) {
                FlagKind::Charm
            } else if layers.iter().any(|l| l.flags.contains(&name)) {
                FlagKind::Layer
            } else if framework.iter().any(|f| f == name)
                || name.starts_with("endpoint.")
                || name.starts_with("config.")
                || name.starts_with("leadership.")
                || (name.starts_with("storage.") && name.ends_with(".attached"))
            {
                FlagKind::Framework
            } else {
                FlagKind::Charm
            }
        };
        let mut graph = Graph {
            handlers: Vec::new(),
            flags: Vec::new(),
            edges: Vec::new(),
        };
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut flag = |graph: &mut Graph, name: &str| -> usize {
            *index.entry(name.to_owned()).or_insert_with(|| {
                graph.flags.push((name.to_owned(), kind(name)));
                graph.flags.len() - 1
            })
        };
        for layer in &layers {
            for def in layer.handlers {
                let h = graph.handlers.len();
                graph.handlers.push((def.name, note(def)));
                for cond in def.conditions {
                    let (names, label): (&[&str], _) = match *cond {
                        Cond::All(n) => (n, "when"),
                        Cond::None(n) => (n, "when_not"),
                        Cond::Any(n) => (n, "when_any"),
                        Cond::NotAll(n) => (n, "when_not_all"),
                        _ => continue,
                    };
                    for name in names {
                        let f = flag(&mut graph, name);
                        graph.edges.push(Edge::Reads {
                            flag: f,
                            handler: h,
                            label,
                        });
                    }
                }
                for (names, label) in [(def.sets, "set"), (def.clears, "clear")] {
                    for name in names {
                        let f = flag(&mut graph, name);
                        graph.edges.push(Edge::Writes {
                            handler: h,
                            flag: f,
                            label,
                        });
                    }
                }
            }
            for t in layer.triggers {
                let (when, on_set) = match t.when {
                    TriggerWhen::Set(f) => (f, true),
                    TriggerWhen::Cleared(f) => (f, false),
                };
                let from = flag(&mut graph, when);
                for (names, set) in [(t.set, true), (t.clear, false)] {
                    for name in names {
                        let to = flag(&mut graph, name);
                        let label = match (on_set, set) {
                            (true, true) => "trigger: set",
                            (true, false) => "trigger: clear",
                            (false, true) => "trigger (cleared): set",
                            (false, false) => "trigger (cleared): clear",
                        };
                        graph.edges.push(Edge::Trigger { from, to, label });
                    }
                }
            }
        }
        graph
    }

    /// The graph as text; `ran`: full names of handlers to highlight.
    pub fn render(&self, format: Format, ran: &[&str]) -> String {
        match format {
            Format::Mermaid => self.mermaid(ran),
            Format::Dot => self.dot(ran),
        }
    }

    fn short(name: &str) -> String {
        let parts: Vec<&str> = name.rsplitn(3, "::").collect();
        match parts.as_slice() {
            [f, m, ..] => format!("{m}::{f}"),
            _ => name.to_owned(),
        }
    }

    fn label(&self, h: usize) -> String {
        let (name, note) = &self.handlers[h];
        if note.is_empty() {
            Self::short(name)
        } else {
            format!("{}\n{note}", Self::short(name))
        }
    }

    fn mermaid(&self, ran: &[&str]) -> String {
        let esc = |s: &str| s.replace('"', "#quot;").replace('\n', "<br/>");
        let mut out = String::from("flowchart LR\n");
        out += "  classDef handler fill:#ffffff,stroke:#333333\n";
        out += "  classDef charm fill:#fff4cc,stroke:#b8860b\n";
        out += "  classDef layer fill:#dde8ff,stroke:#3a62b0\n";
        out += "  classDef framework fill:#eeeeee,stroke:#888888,stroke-dasharray:4 3\n";
        out += "  classDef ran fill:#c8f7c5,stroke:#1a7f37,stroke-width:3px\n";
        for (i, (name, _)) in self.handlers.iter().enumerate() {
            let class = if ran.contains(name) { "ran" } else { "handler" };
            let _ = writeln!(out, "  h{i}[\"{}\"]:::{class}", esc(&self.label(i)));
        }
        for (i, (name, kind)) in self.flags.iter().enumerate() {
            let _ = writeln!(out, "  f{i}([\"{}\"]):::{}", esc(name), class(*kind));
        }
        for e in &self.edges {
            let _ = match *e {
                Edge::Reads {
                    flag,
                    handler,
                    label,
                } => writeln!(out, "  f{flag} -- {label} --> h{handler}"),
                Edge::Writes {
                    handler,
                    flag,
                    label: "clear",
                } => writeln!(out, "  h{handler} -. clear .-> f{flag}"),
                Edge::Writes {
                    handler,
                    flag,
                    label,
                } => writeln!(out, "  h{handler} == {label} ==> f{flag}"),
                Edge::Trigger { from, to, label } => {
                    writeln!(out, "  f{from} -. \"{label}\" .-> f{to}")
                }
            };
        }
        // Why each highlighted handler ran: the conditions that held, as bold edges.
        let why: Vec<String> = self
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Edge::Reads { handler, .. } if ran.contains(&self.handlers[*handler].0)))
            .map(|(i, _)| i.to_string())
            .collect();
        if !why.is_empty() {
            let _ = writeln!(
                out,
                "  linkStyle {} stroke:#1a7f37,stroke-width:3px",
                why.join(",")
            );
        }
        for line in self.why(ran) {
            let _ = writeln!(out, "  %% {line}");
        }
        out
    }

    /// One line per highlighted handler: its name and the conditions that held for it to run.
    pub fn why(&self, ran: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for (h, (name, note)) in self.handlers.iter().enumerate() {
            if !ran.contains(name) {
                continue;
            }
            let mut conds: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for e in &self.edges {
                if let Edge::Reads {
                    flag,
                    handler,
                    label,
                } = *e
                    && handler == h
                {
                    conds.entry(label).or_default().push(&self.flags[flag].0);
                }
            }
            let mut parts: Vec<String> = conds
                .iter()
                .map(|(label, flags)| format!("{label} {}", flags.join(", ")))
                .collect();
            if !note.is_empty() {
                parts.push(note.clone());
            }
            if parts.is_empty() {
                parts.push("no condition".to_owned());
            }
            out.push(format!("ran {}: {}", Self::short(name), parts.join("; ")));
        }
        out
    }

    fn dot(&self, ran: &[&str]) -> String {
        let esc = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        };
        let mut out = String::from("digraph charm {\n");
        out += "  rankdir=LR;\n";
        out += "  node [fontname=\"Helvetica\", fontsize=11];\n";
        out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
        for (i, (name, _)) in self.handlers.iter().enumerate() {
            let style = if ran.contains(name) {
                "style=\"rounded,filled,bold\", fillcolor=\"#c8f7c5\", color=\"#1a7f37\", penwidth=2"
            } else {
                "style=\"rounded\""
            };
            let _ = writeln!(
                out,
                "  h{i} [label=\"{}\", shape=box, {style}];",
                esc(&self.label(i))
            );
        }
        for (i, (name, kind)) in self.flags.iter().enumerate() {
            let style = match kind {
                FlagKind::Charm => "style=filled, fillcolor=\"#fff4cc\", color=\"#b8860b\"",
                FlagKind::Layer => "style=filled, fillcolor=\"#dde8ff\", color=\"#3a62b0\"",
                FlagKind::Framework => {
                    "style=\"filled,dashed\", fillcolor=\"#eeeeee\", color=\"#888888\""
                }
            };
            let _ = writeln!(
                out,
                "  f{i} [label=\"{}\", shape=ellipse, {style}];",
                esc(name)
            );
        }
        for e in &self.edges {
            let _ = match *e {
                Edge::Reads {
                    flag,
                    handler,
                    label,
                } => {
                    let style = if label.contains("not") {
                        ", style=dashed, arrowhead=odot"
                    } else {
                        ""
                    };
                    let why = if ran.contains(&self.handlers[handler].0) {
                        ", color=\"#1a7f37\", penwidth=2"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "  f{flag} -> h{handler} [label=\"{label}\"{style}{why}];"
                    )
                }
                Edge::Writes {
                    handler,
                    flag,
                    label,
                } => {
                    let color = if label == "set" {
                        "color=\"#1a7f37\", fontcolor=\"#1a7f37\""
                    } else {
                        "color=\"#b42318\", fontcolor=\"#b42318\", style=dashed"
                    };
                    writeln!(out, "  h{handler} -> f{flag} [label=\"{label}\", {color}];")
                }
                Edge::Trigger { from, to, label } => writeln!(
                    out,
                    "  f{from} -> f{to} [label=\"{label}\", style=dotted, color=\"#6b3fa0\"];"
                ),
            };
        }
        out += "}\n";
        out
    }
}

fn class(kind: FlagKind) -> &'static str {
    match kind {
        FlagKind::Charm => "charm",
        FlagKind::Layer => "layer",
        FlagKind::Framework => "framework",
    }
}

/// The conditions that are no flag edge: hooks, actions, `only_once`, files.
fn note(def: &HandlerDef) -> String {
    let mut parts = Vec::new();
    for cond in def.conditions {
        match *cond {
            Cond::Hook(p) => parts.push(format!("hook {}", p.join(", "))),
            Cond::Action(name) => parts.push(format!("action {name}")),
            Cond::OnlyOnce => parts.push("only_once".to_owned()),
            Cond::FileChanged(p) => parts.push(format!("file changed {}", p.join(", "))),
            _ => {}
        }
    }
    parts.join("; ")
}

/// The graph of `charm` as text, with the handlers named in `ran` highlighted.
pub fn render(charm: &'static Charm, format: Format, ran: &[&str]) -> String {
    Graph::of(charm).render(format, ran)
}

/// What `<charm> --graph[=mermaid|dot] [--ran=a,b]` asks for, from the process arguments
/// after the program name; `None` when the first is not `--graph`.
pub fn from_args(args: &[String]) -> Option<Result<(Format, Vec<String>), String>> {
    let first = args.first()?;
    let format = match first.as_str() {
        "--graph" | "--graph=mermaid" => Format::Mermaid,
        "--graph=dot" => Format::Dot,
        other if other.starts_with("--graph") => {
            return Some(Err(format!(
                "unknown graph format in `{other}`: write `--graph` (mermaid), \
                 `--graph=mermaid` or `--graph=dot`"
            )));
        }
        _ => return None,
    };
    let mut ran = Vec::new();
    for arg in &args[1..] {
        match arg.strip_prefix("--ran=") {
            Some(list) => ran.extend(list.split(',').filter(|s| !s.is_empty()).map(str::to_owned)),
            None => {
                return Some(Err(format!(
                    "unexpected argument `{arg}` after `{first}`: only `--ran=handler,...` may follow"
                )));
            }
        }
    }
    Some(Ok((format, ran)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{EndpointDef, Layer, Role, TriggerDef};

    fn noop(_: &mut crate::Unit) -> crate::Result<()> {
        Ok(())
    }

    static BASE: Layer = Layer {
        name: "base",
        flags: &["base.ready"],
        handlers: &[HandlerDef {
            name: "crate::base::prepare",
            conditions: &[Cond::None(&["base.ready"])],
            sets: &["base.ready"],
            clears: &[],
            call: noop,
        }],
        triggers: &[],
        layers: &[],
    };
    static CHARM: Charm = Charm {
        name: "app",
        layer: Layer {
            name: "crate::app",
            flags: &["app.running", "app.stale"],
            handlers: &[
                HandlerDef {
                    name: "crate::app::start",
                    conditions: &[Cond::All(&["base.ready", "redis.available"])],
                    sets: &["app.running"],
                    clears: &[],
                    call: noop,
                },
                HandlerDef {
                    name: "crate::app::stop",
                    conditions: &[Cond::Hook(&["stop"])],
                    sets: &[],
                    clears: &["app.running"],
                    call: noop,
                },
            ],
            triggers: &[TriggerDef {
                when: TriggerWhen::Set("app.running"),
                set: &[],
                clear: &["app.stale"],
            }],
            layers: &[&BASE],
        },
        endpoints: &[EndpointDef {
            name: "redis",
            role: Role::Requires,
            interface: "redis",
            kind: &<crate::interfaces::Redis as crate::Interface>::DEF,
        }],
        config: &[],
        leader: &[],
    };

    #[test]
    fn flags_are_classified_and_every_edge_is_drawn() {
        let g = Graph::of(&CHARM);
        let kind = |n: &str| g.flags.iter().find(|(f, _)| f == n).unwrap().1;
        assert_eq!(kind("base.ready"), FlagKind::Layer);
        assert_eq!(kind("app.running"), FlagKind::Charm);
        assert_eq!(kind("redis.available"), FlagKind::Framework);
        // prepare: when_not + set; start: 2 when + set; stop: clear; trigger.
        assert_eq!(g.edges.len(), 2 + 3 + 1 + 1);
        assert_eq!(g.handlers[2].1, "hook stop");
    }

    #[test]
    fn mermaid_and_dot_name_edges_and_highlight_what_ran() {
        let m = render(&CHARM, Format::Mermaid, &["crate::app::start"]);
        assert!(m.contains("h1[\"app::start\"]:::ran"), "{m}");
        assert!(m.contains("h0[\"base::prepare\"]:::handler"));
        assert!(m.contains("f0 -- when_not --> h0"));
        assert!(m.contains("h0 == set ==> f0"));
        assert!(m.contains("h2 -. clear .-> f"));
        assert!(m.contains("\"trigger: clear\""));
        // Why `start` ran: its two `when` edges (the 2nd and 3rd) are bold, and said.
        assert!(m.contains("linkStyle 2,3 stroke:#1a7f37"), "{m}");
        assert!(
            m.contains("%% ran app::start: when base.ready, redis.available"),
            "{m}"
        );
        let d = render(&CHARM, Format::Dot, &[]);
        assert!(d.starts_with("digraph charm {"));
        assert!(d.contains("label=\"app::stop\\nhook stop\""), "{d}");
        assert!(d.contains("style=\"filled,dashed\""));
    }

    #[test]
    fn arguments() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(from_args(&args(&[])).is_none());
        assert!(from_args(&args(&["install"])).is_none());
        let (f, ran) = from_args(&args(&["--graph=dot", "--ran=a::b,c::d"]))
            .unwrap()
            .unwrap();
        assert_eq!(f, Format::Dot);
        assert_eq!(ran, ["a::b", "c::d"]);
        assert!(from_args(&args(&["--graph=svg"])).unwrap().is_err());
        assert!(from_args(&args(&["--graph", "x"])).unwrap().is_err());
    }
}

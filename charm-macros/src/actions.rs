//! The charm's actions (actions.yaml, or the `actions:` section of a unified
//! charmcraft.yaml), read at compile time: `#[action("name")]` is checked against them and
//! each becomes a typed parameter struct in the generated `actions` module.

use std::path::Path;

use charm_yaml::{Mapping, Value};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// A parameter's JSON-schema type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// No `type`: any JSON value.
    Any,
}

/// One parameter of an action.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: String,
    pub kind: ParamType,
    pub description: Option<String>,
    /// The default, as JSON text.
    pub default: Option<String>,
    pub required: bool,
}

/// One action.
#[derive(Debug, Clone)]
pub(crate) struct ActionSpec {
    pub name: String,
    pub description: Option<String>,
    pub params: Vec<Param>,
}

/// The actions next to the metadata file `metadata`: its own `actions:` section when it is
/// a charmcraft.yaml, else actions.yaml in the same directory (none when absent).
pub(crate) fn load(metadata: &Path, tracked: &mut Vec<String>) -> Result<Vec<ActionSpec>, String> {
    let (path, section) = if metadata
        .file_name()
        .is_some_and(|n| n == crate::charmcraft::FILE)
    {
        (metadata.to_owned(), true)
    } else {
        let path = metadata.with_file_name("actions.yaml");
        if !path.is_file() {
            return Ok(Vec::new());
        }
        (path, false)
    };
    tracked.push(path.display().to_string());
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: Value =
        charm_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.display().to_string();
    let doc = match (value, section) {
        (Value::Mapping(m), true) => match m.get(Value::String("actions".into())) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Mapping(a)) => a.clone(),
            Some(_) => return Err(format!("{file}: `actions` must be a mapping")),
        },
        (Value::Mapping(m), false) => m,
        (Value::Null, _) => return Ok(Vec::new()),
        _ => return Err(format!("{file}: expected a mapping of actions")),
    };
    parse(&file, &doc)
}

fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.get(Value::String(key.to_owned()))
}

fn parse(file: &str, doc: &Mapping) -> Result<Vec<ActionSpec>, String> {
    let mut out = Vec::new();
    for (name, spec) in doc {
        let Value::String(name) = name else {
            return Err(format!("{file}: action names must be strings"));
        };
        let empty = Mapping::new();
        let spec = match spec {
            Value::Mapping(m) => m,
            Value::Null => &empty,
            _ => return Err(format!("{file}: action `{name}` must be a mapping")),
        };
        let required: Vec<String> = match get(spec, "required") {
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut params = Vec::new();
        if let Some(Value::Mapping(ps)) = get(spec, "params") {
            for (pname, pspec) in ps {
                let Value::String(pname) = pname else {
                    return Err(format!(
                        "{file}: action `{name}`: parameter names must be strings"
                    ));
                };
                let pspec = match pspec {
                    Value::Mapping(m) => m,
                    _ => &empty,
                };
                let kind = match get(pspec, "type") {
                    None => ParamType::Any,
                    Some(Value::String(t)) => match t.as_str() {
                        "string" => ParamType::String,
                        "integer" => ParamType::Integer,
                        "number" => ParamType::Number,
                        "boolean" => ParamType::Boolean,
                        "array" => ParamType::Array,
                        "object" => ParamType::Object,
                        other => {
                            return Err(format!(
                                "{file}: action `{name}`, parameter `{pname}`: unknown JSON-schema \
                                 type `{other}` (string, integer, number, boolean, array, object){}",
                                crate::suggest::nearest(
                                    other,
                                    ["string", "integer", "number", "boolean", "array", "object"]
                                )
                                .map(|n| format!("; did you mean `{n}`?"))
                                .unwrap_or_default()
                            ));
                        }
                    },
                    Some(_) => ParamType::Any,
                };
                let default = match get(pspec, "default") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(
                        serde_json::to_string(&yaml_to_json(v))
                            .map_err(|e| format!("{file}: action `{name}`: {e}"))?,
                    ),
                };
                let description = get(pspec, "description")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                params.push(Param {
                    required: required.contains(pname),
                    name: pname.clone(),
                    kind,
                    description,
                    default,
                });
            }
        }
        out.push(ActionSpec {
            name: name.clone(),
            description: get(spec, "description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            params,
        });
    }
    Ok(out)
}

fn yaml_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                n.as_f64().map_or(serde_json::Value::Null, Into::into)
            }
        }
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Sequence(items) => items.iter().map(yaml_to_json).collect(),
        Value::Mapping(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), yaml_to_json(v))))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Tagged(t) => yaml_to_json(&t.value),
    }
}

/// `dump-db` -> `DumpDb`.
pub(crate) fn type_name(action: &str) -> syn::Ident {
    let mut out = String::new();
    let mut upper = true;
    for c in action.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'A');
    }
    format_ident!("{}", out)
}

/// The generated `actions` module: one parameter struct per action.
pub(crate) fn generate(actions: &[ActionSpec]) -> TokenStream {
    let p = quote!(::charm_core::__private);
    let structs = actions.iter().map(|a| {
        let ident = type_name(&a.name);
        let name = &a.name;
        let doc = a
            .description
            .clone()
            .unwrap_or_else(|| format!("Action `{name}`."));
        let head = format!("The parameters of action `{name}` (`#[action(\"{name}\")]`).");
        let mut fields = Vec::new();
        let mut inits = Vec::new();
        for param in &a.params {
            let field = crate::expand::field_ident(&param.name);
            let base = match param.kind {
                ParamType::String => quote!(::std::string::String),
                ParamType::Integer => quote!(i64),
                ParamType::Number => quote!(f64),
                ParamType::Boolean => quote!(bool),
                ParamType::Array => quote!(::std::vec::Vec<#p::JsonValue>),
                ParamType::Object => quote!(#p::JsonMap),
                ParamType::Any => quote!(#p::JsonValue),
            };
            // Juju fills in defaults and refuses a missing required parameter, so such a
            // value is always there; any other is optional.
            let always = param.required || param.default.is_some() || param.kind == ParamType::Any;
            let ty = if always {
                base
            } else {
                quote!(::core::option::Option<#base>)
            };
            let pdoc = param
                .description
                .clone()
                .unwrap_or_else(|| format!("Parameter `{}`.", param.name));
            let mut notes = Vec::new();
            if param.required {
                notes.push("Required.".to_owned());
            }
            if let Some(d) = &param.default {
                notes.push(format!("Default: `{d}`."));
            }
            if !always {
                notes.push("Optional: `None` when not given.".to_owned());
            }
            let notes = notes.join(" ");
            fields.push(quote! { #[doc = #pdoc] #[doc = ""] #[doc = #notes] pub #field: #ty });
            let key = &param.name;
            inits.push(quote! { #field: #p::action_field(#name, map, #key)? });
        }
        quote! {
            #[doc = #head]
            #[doc = ""]
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub struct #ident { #(#fields,)* }

            impl #p::ActionParams for #ident {
                const NAME: &'static str = #name;
                fn from_params(map: &#p::JsonMap) -> #p::Result<Self> {
                    ::core::result::Result::Ok(Self { #(#inits,)* })
                }
            }
        }
    });
    quote! {
        /// The charm's actions, typed from actions.yaml: one parameter struct per action.
        #[allow(dead_code)]
        pub mod actions {
            #(#structs)*
        }
    }
}

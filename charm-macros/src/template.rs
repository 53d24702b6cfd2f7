//! `#[charm_core::template(...)]`: an askama template whose escaper is fixed by its format,
//! not by a file the author must remember.
//!
//! The attribute derives `askama::Template` through askama's own derive code (the
//! `askama_derive` library), with a configuration shipped in this crate
//! (`charm-templates.toml`): `.yml` / `.yaml` templates get `charm_core::render::Yaml`,
//! `.env` templates `charm_core::render::DotEnv`. A charm's `askama.toml` is not read, so
//! deleting it cannot disable escaping. Before deriving, the template source is scanned for
//! raw output (`|safe`, `|escape("...")`, `|json`, `{% filter safe %}`...): in these formats
//! it is a compile error on the author's `path` / `source` literal, naming the template's
//! line and the fix (`|int` for integers, nothing for text).

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

/// The askama configuration of every charm template: escapers by extension.
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/charm-templates.toml");

/// The output formats a charm template can have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    DotEnv,
}

fn format_of(ext: &str) -> Option<Format> {
    match ext {
        "yml" | "yaml" => Some(Format::Yaml),
        "env" => Some(Format::DotEnv),
        _ => None,
    }
}

/// Keys of askama's `#[template(...)]` that would change the escaping: ours decide it.
const FORBIDDEN_KEYS: &[&str] = &["escape", "config", "askama"];

/// The attribute's expansion.
pub(crate) fn template(args: TokenStream, item: TokenStream) -> TokenStream {
    match expand(args, item.clone()) {
        Ok(tokens) => tokens,
        Err(err) => {
            let err = err.into_compile_error();
            quote! { #err #item }
        }
    }
}

fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let input: syn::DeriveInput = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new(
            Span::call_site(),
            "`#[charm_core::template(...)]` goes on the struct (or enum) holding the template's \
             values",
        )
    })?;
    let metas = syn::parse::Parser::parse2(Punctuated::<Meta, Token![,]>::parse_terminated, args)?;
    let mut path: Option<LitStr> = None;
    let mut source: Option<LitStr> = None;
    let mut ext: Option<LitStr> = None;
    for meta in &metas {
        let key = meta.path().get_ident().map(ToString::to_string);
        let key = key.as_deref().unwrap_or("");
        if FORBIDDEN_KEYS.contains(&key) {
            return Err(syn::Error::new_spanned(
                meta.path(),
                format!(
                    "`{key}` is not an option of a charm template: its escaper follows from its \
                     format (`.yml`/`.yaml`: YAML scalars, `.env`: .env values); remove `{key}`"
                ),
            ));
        }
        let lit = match meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        match (key, lit) {
            ("path", Some(l)) => path = Some(l),
            ("source", Some(l)) => source = Some(l),
            ("ext", Some(l)) => ext = Some(l),
            _ => {}
        }
    }
    // The format, from the path's extension or `ext`.
    let (format, format_lit) = match (&path, &ext) {
        (Some(p), None) => {
            let value = p.value();
            let e = Path::new(&value)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_owned();
            (format_of(&e), p)
        }
        (_, Some(e)) => (format_of(&e.value()), e),
        (None, None) => {
            return Err(syn::Error::new(
                Span::call_site(),
                "a charm template needs `path = \"docker-compose.yml\"` (in `templates/`) or \
                 `source = \"...\", ext = \"yml\"`",
            ));
        }
    };
    let Some(format) = format else {
        return Err(syn::Error::new(
            format_lit.span(),
            format!(
                "`{}`: a charm template is a `.yml` / `.yaml` file (escaped as YAML scalars) or a \
                 `.env` file (escaped as .env values); for another format derive \
                 `askama::Template` and escape the values yourself",
                format_lit.value()
            ),
        ));
    };
    // Raw output in the template text, reported on the author's literal.
    let (text, origin, lit) = match (&source, &path) {
        (Some(s), _) => (Some(s.value()), "the template source".to_owned(), s),
        (None, Some(p)) => match find_template(&p.value()) {
            Some(file) => (
                std::fs::read_to_string(&file).ok(),
                format!("templates/{}", p.value()),
                p,
            ),
            // askama's derive reports a missing file.
            None => (None, String::new(), p),
        },
        (None, None) => unreachable!("checked above"),
    };
    // Reported, but the template is still derived: one mistake, one error.
    let mut raw_error = None;
    if let Some(text) = text {
        let mut raw = Vec::new();
        scan(&text, &mut raw);
        if let Some(found) = raw.first() {
            let fix = match format {
                Format::Yaml => {
                    "every value is written as one double-quoted YAML scalar by the escaper; an \
                     integer can be written bare with `|int` (e.g. `\"{{ port|int }}:80\"`); \
                     text must stay escaped: remove the filter"
                }
                Format::DotEnv => {
                    "every value is written as one quoted .env value by the escaper; an integer \
                     can be written bare with `|int`; text must stay escaped: remove the filter"
                }
            };
            raw_error = Some(
                syn::Error::new(
                    lit.span(),
                    format!(
                        "{origin}, line {}: `{}` writes a value unescaped, so a config or \
                         relation value could add keys or lines; {fix}",
                        found.line, found.what
                    ),
                )
                .into_compile_error(),
            );
        }
    }
    // Derive through askama with our configuration.
    let mut derive_input = input.clone();
    let config = LitStr::new(CONFIG, Span::call_site());
    derive_input
        .attrs
        .push(syn::parse_quote!(#[template(#metas, config = #config)]));
    let derived = askama_derive::derive_template(quote!(#derive_input), import_askama);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let p = quote!(::charm_core::render);
    let format_tokens = match format {
        Format::Yaml => quote!(#p::Format::Yaml),
        Format::DotEnv => quote!(#p::Format::DotEnv),
    };
    let yaml = (format == Format::Yaml).then(|| {
        quote! {
            impl #impl_generics #p::YamlTemplate for #ident #ty_generics #where_clause {}
        }
    });
    Ok(quote! {
        #raw_error
        #item
        #derived
        impl #impl_generics #p::SafeTemplate for #ident #ty_generics #where_clause {
            const FORMAT: #p::Format = #format_tokens;
        }
        #yaml
    })
}

/// What askama's generated code uses as `askama`, and the filters of charm templates.
fn import_askama() -> TokenStream {
    quote! {
        use ::charm_core::__private::askama as askama;
        #[allow(unused_imports)]
        use ::charm_core::render::filters;
    }
}

/// `templates/<relative>` of the crate being compiled, as askama's default configuration
/// looks it up.
fn find_template(relative: &str) -> Option<PathBuf> {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let file = Path::new(&root).join("templates").join(relative);
    file.is_file().then_some(file)
}

/// One raw output found in a template.
pub(crate) struct Raw {
    pub line: usize,
    pub what: String,
}

/// Filters whose output askama does not escape.
const RAW_FILTERS: &[&str] = &["safe", "json", "tojson"];

/// Finds raw output in askama template text: `|safe`, `|json`, `|escape(...)` / `|e(...)`
/// with an explicit escaper, and `{% filter safe %}` blocks. Comments and `{% raw %}`
/// blocks are skipped; string literals inside tags are not read as filters.
pub(crate) fn scan(text: &str, out: &mut Vec<Raw>) {
    let bytes = text.as_bytes();
    let line_of = |i: usize| text[..i].matches('\n').count() + 1;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let open = &text[i..i + 2];
        match open {
            "{#" => {
                // Comments nest in askama.
                let mut depth = 0usize;
                while i + 1 < bytes.len() {
                    match &text[i..i + 2] {
                        "{#" => {
                            depth += 1;
                            i += 2;
                        }
                        "#}" => {
                            depth -= 1;
                            i += 2;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => i += 1,
                    }
                }
            }
            "{{" | "{%" => {
                let close = if open == "{{" { "}}" } else { "%}" };
                let start = i + 2;
                let end = find_outside_strings(text, start, close).unwrap_or(text.len());
                let inner = &text[start..end];
                let words = tokens(inner);
                let first = words.first().map(String::as_str).unwrap_or("");
                if open == "{%" && first.trim_start_matches(['-', '+', '~']) == "raw" {
                    // Skip to `{% endraw %}`.
                    let rest = &text[end..];
                    i = rest
                        .find("endraw")
                        .and_then(|k| text[end + k..].find("%}").map(|m| end + k + m + 2))
                        .unwrap_or(text.len());
                    continue;
                }
                check_tag(&words, open == "{%", line_of(i), out);
                i = (end + 2).min(text.len());
            }
            _ => i += 1,
        }
    }
}

fn check_tag(words: &[String], block: bool, line: usize, out: &mut Vec<Raw>) {
    let mut k = 0;
    while k < words.len() {
        let filter_position = words[k] == "|"
            || (block
                && words[k].trim_start_matches(['-', '+', '~']) == "filter"
                && k == first_word(words));
        if filter_position && let Some(name) = words.get(k + 1) {
            let takes_escaper =
                (name == "escape" || name == "e") && words.get(k + 2).is_some_and(|w| w == "(");
            if RAW_FILTERS.contains(&name.as_str()) || takes_escaper {
                let what = if block && words[k] != "|" {
                    format!("{{% filter {name} %}}")
                } else if takes_escaper {
                    format!("|{name}(...)")
                } else {
                    format!("|{name}")
                };
                out.push(Raw { line, what });
            }
        }
        k += 1;
    }
}

fn first_word(words: &[String]) -> usize {
    words
        .iter()
        .position(|w| !w.chars().all(|c| matches!(c, '-' | '+' | '~')))
        .unwrap_or(0)
}

/// The position of `close` at or after `from`, outside string and char literals.
fn find_outside_strings(text: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i, b'"'),
            _ if text[i..].starts_with(close) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn skip_string(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Identifiers, `|` (not `||`), parentheses and other punctuation of a tag; strings dropped.
fn tokens(inner: &str) -> Vec<String> {
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            i = skip_string(bytes, i, b'"');
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            // A path (`a::b`) is one word: only its last segment names a filter.
            while inner[i..].starts_with("::") {
                i += 2;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            }
            out.push(inner[start..i].to_owned());
        } else if b == b'|' && bytes.get(i + 1) == Some(&b'|') {
            out.push("||".to_owned());
            i += 2;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else {
            out.push((b as char).to_string());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.into_iter()
            .map(|r| format!("{}:{}", r.line, r.what))
            .collect()
    }

    #[test]
    fn finds_raw_output() {
        assert_eq!(found("a: {{ x|safe }}"), ["1:|safe"]);
        assert_eq!(
            found("a: {{- x | safe -}}\nb: {{ y|json }}"),
            ["1:|safe", "2:|json"]
        );
        assert_eq!(found("{{ x|e(\"none\") }}"), ["1:|e(...)"]);
        assert_eq!(found("{{ x|escape }}"), Vec::<String>::new());
        assert_eq!(
            found("{% filter safe %}{{ x }}{% endfilter %}"),
            ["1:{% filter safe %}"]
        );
        assert_eq!(
            found("{%- filter upper|safe %}x{% endfilter %}"),
            ["1:|safe"]
        );
        assert_eq!(found("{{ x|upper|safe }}"), ["1:|safe"]);
    }

    #[test]
    fn ignores_what_is_not_a_filter() {
        assert!(found("{# {{ x|safe }} #}").is_empty());
        assert!(found("{# a {# nested #} {{ x|safe }} #}").is_empty());
        assert!(found("{% raw %}{{ x|safe }}{% endraw %}").is_empty());
        assert!(found("{{ \"|safe\" }}").is_empty());
        assert!(found("{% if a || safe %}{% endif %}").is_empty());
        assert!(found("{{ port|int }} {{ safe }}").is_empty());
        assert!(found("text |safe outside tags").is_empty());
    }
}

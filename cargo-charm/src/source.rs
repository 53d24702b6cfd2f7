//! One YAML document of a charm, kept with its text so that findings can name a line.

use charm_yaml::{Mapping, Value};

use crate::diag::{Diagnostic, Severity};

/// A parsed charm file, or the part of one (`config:` of a unified charmcraft.yaml) that plays
/// the role of metadata.yaml, config.yaml or actions.yaml.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name as findings show it.
    pub file: String,
    /// The file's text.
    pub text: String,
    /// The whole document.
    pub root: Value,
    /// Where this part lives in the document: empty for a whole file, `["config"]` for the
    /// config of a unified charmcraft.yaml.
    pub prefix: Vec<String>,
}

impl Source {
    /// Parses `text`; a YAML error (duplicate key, bad syntax, not a mapping) is a finding.
    pub fn parse(file: &str, text: String) -> Result<Self, Diagnostic> {
        let root: Value = charm_yaml::from_str(&text).map_err(|e| Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            line: e.line(),
            key: String::new(),
            message: e.message().to_owned(),
        })?;
        let root = match root {
            Value::Null => Value::Mapping(Mapping::new()),
            Value::Mapping(_) => root,
            _ => {
                return Err(Diagnostic {
                    severity: Severity::Error,
                    file: file.to_owned(),
                    line: Some(1),
                    key: String::new(),
                    message: "expected a mapping at the top of the file".to_owned(),
                });
            }
        };
        Ok(Self {
            file: file.to_owned(),
            text,
            root,
            prefix: Vec::new(),
        })
    }

    /// The same document seen from `key` down (a part of a unified charmcraft.yaml).
    pub fn part(&self, key: &str) -> Self {
        let mut part = self.clone();
        part.prefix.push(key.to_owned());
        part
    }

    /// The value this part stands for (`Null` when the prefix is absent).
    pub fn value(&self) -> &Value {
        let mut value = &self.root;
        for key in &self.prefix {
            value = get(value, key).unwrap_or(&Value::Null);
        }
        value
    }

    /// The 1-based line of `path` (below the prefix), or of its deepest ancestor found.
    pub fn line_of(&self, path: &[&str]) -> Option<usize> {
        let full: Vec<&str> = self
            .prefix
            .iter()
            .map(String::as_str)
            .chain(path.iter().copied())
            .collect();
        locate(&self.text, &full)
    }

    /// A finding at `path` (below the prefix).
    pub fn finding(&self, severity: Severity, path: &[&str], message: String) -> Diagnostic {
        let key = self
            .prefix
            .iter()
            .map(String::as_str)
            .chain(path.iter().copied())
            .collect::<Vec<_>>()
            .join(".");
        Diagnostic {
            severity,
            file: self.file.clone(),
            line: self.line_of(path),
            key,
            message,
        }
    }
}

/// `map[key]` when `value` is a mapping.
pub fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Mapping(m) => m.get(Value::String(key.to_owned())),
        _ => None,
    }
}

/// Finds the line of a block-style key path: each key is looked for among the children of the
/// previous one (the lines indented deeper than it, up to the next line that is not). Flow
/// style (`{a: 1}`) is not looked into: the line of the deepest key found is returned.
pub fn locate(text: &str, path: &[&str]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut parent_indent: isize = -1;
    let mut found = None;
    'keys: for key in path {
        let mut child_indent = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
                continue;
            }
            let indent = (line.len() - trimmed.len()) as isize;
            if indent <= parent_indent {
                break;
            }
            let child = *child_indent.get_or_insert(indent);
            if indent == child && is_key(trimmed, key) {
                found = Some(i + 1);
                start = i + 1;
                parent_indent = indent;
                continue 'keys;
            }
        }
        break;
    }
    found
}

/// `key:`, `"key":` or `'key':` at the start of `line`, followed by a blank or the end.
fn is_key(line: &str, key: &str) -> bool {
    let rest = ["", "\"", "'"].iter().find_map(|q| {
        let inner = line.strip_prefix(q)?.strip_prefix(key)?;
        inner.strip_prefix(q)
    });
    rest.and_then(|r| r.strip_prefix(':'))
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
name: x
# a comment
provides:
  website:
    interface: http
    scope: everywhere
requires:
  website2:
    'interface': http
options:
  port: {type: int}
";

    #[test]
    fn finds_nested_keys_under_their_parent_only() {
        assert_eq!(locate(TEXT, &["name"]), Some(1));
        assert_eq!(locate(TEXT, &["provides", "website", "scope"]), Some(6));
        assert_eq!(
            locate(TEXT, &["requires", "website2", "interface"]),
            Some(9)
        );
        // `interface` exists under provides, but not under requires.website2 before line 9.
        assert_eq!(locate(TEXT, &["requires", "website2"]), Some(8));
    }

    #[test]
    fn a_missing_key_gives_its_deepest_ancestor() {
        assert_eq!(locate(TEXT, &["provides", "website", "limit"]), Some(4));
        assert_eq!(locate(TEXT, &["options", "port", "type"]), Some(11));
        assert_eq!(locate(TEXT, &["summary"]), None);
    }

    #[test]
    fn key_prefixes_do_not_match() {
        assert!(is_key("name: x", "name"));
        assert!(is_key("name:", "name"));
        assert!(!is_key("names: x", "name"));
        assert!(!is_key("name:x", "name"));
        assert!(is_key("\"name\": x", "name"));
    }
}

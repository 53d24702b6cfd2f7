//! Findings of the checks: what is wrong, in which file, under which key, on which line.

use std::fmt;

/// How bad a finding is: errors stop `pack`, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Juju or charmcraft would refuse the charm, or it would not work.
    Error,
    /// Allowed, but discouraged (the old `charm proof`'s warnings).
    Warning,
}

/// One finding: `metadata.yaml:12: provides.website.scope: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the charm crate (`metadata.yaml`, `charmcraft.yaml`).
    pub file: String,
    /// The 1-based line, when the key could be found in the text.
    pub line: Option<usize>,
    /// The dotted key path (`options.port.default`); empty for the whole file.
    pub key: String,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// True if any finding is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

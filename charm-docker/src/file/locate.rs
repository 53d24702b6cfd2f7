//! The line of a key path (`services.web.env_file`) in block-style YAML, for the errors
//! found after the file is read (an empty image, an unreadable env file), when serde's
//! positions are gone. Flow style (`{a: {b: 1}}`) is not followed: such errors keep no line.

/// The 1-based line of the deepest key of `message`'s leading key path (the text before
/// its first `": "`, when that has no space) that can be found, if any.
pub(crate) fn key_line(src: &str, message: &str) -> Option<usize> {
    let (path, _) = message.split_once(": ")?;
    if path.is_empty() || path.contains(' ') {
        return None;
    }
    let keys: Vec<&str> = path
        .split('.')
        .map(|k| k.split('[').next().unwrap_or(k))
        .filter(|k| !k.is_empty())
        .collect();
    let mut found = None;
    // The parent's indentation; the next key must be deeper, within the parent's block.
    let mut parent_indent: Option<usize> = None;
    let mut start = 0;
    let lines: Vec<&str> = src.lines().collect();
    'keys: for key in keys {
        for (i, line) in lines.iter().enumerate().skip(start) {
            let text = line.trim_start();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let indent = line.len() - text.len();
            if parent_indent.is_some_and(|p| indent <= p) {
                break 'keys; // left the parent's block
            }
            let name = text
                .strip_prefix(key)
                .or_else(|| text.strip_prefix(&format!("\"{key}\"")))
                .or_else(|| text.strip_prefix(&format!("'{key}'")));
            if name.is_some_and(|rest| rest.starts_with(':')) {
                found = Some(i + 1);
                parent_indent = Some(indent);
                start = i + 1;
                continue 'keys;
            }
        }
        break;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::key_line;

    #[test]
    fn finds_nested_keys_by_path() {
        let src = "x-a: &a\n  env_file: no\nservices:\n  db:\n    image: x\n  web:\n    # c\n    env_file: .env\n";
        assert_eq!(key_line(src, "services.web.env_file: cannot read"), Some(8));
        assert_eq!(key_line(src, "services.web: image is empty"), Some(6));
        // The deepest key found: `web` has no `image`.
        assert_eq!(key_line(src, "services.web.image: x"), Some(6));
        assert_eq!(key_line(src, "no path here"), None);
        assert_eq!(
            key_line("services: {web: {}}\n", "services.web: x"),
            Some(1)
        );
    }
}

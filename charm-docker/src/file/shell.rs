//! Splitting a `command: "..."` string into words the way a POSIX shell would (quotes and
//! backslashes, no expansion), as Compose does before handing it to the engine.

/// Splits `line` into words: single quotes keep everything literally, double quotes allow
/// `\"`, `\\`, `\$` and `` \` `` escapes, a backslash outside quotes escapes the next
/// character, and unquoted whitespace separates words.
///
/// ```
/// let words = charm_docker::file::shell_split(r#"sh -c 'echo "hi there"'"#).unwrap();
/// assert_eq!(words, ["sh", "-c", r#"echo "hi there""#]);
/// assert!(charm_docker::file::shell_split("echo 'open").is_err());
/// ```
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated single quote in {line:?}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unterminated double quote in {line:?}")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated double quote in {line:?}")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => word.push(c),
                    None => return Err(format!("trailing backslash in {line:?}")),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    fn ok(line: &str) -> Vec<String> {
        split(line).unwrap()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(ok("python app.py"), ["python", "app.py"]);
        assert_eq!(
            ok("  nodemon   --debug server.js "),
            ["nodemon", "--debug", "server.js"]
        );
        assert_eq!(
            ok(r#"sh -c 'echo "hi there"; sleep 1'"#),
            ["sh", "-c", r#"echo "hi there"; sleep 1"#]
        );
        assert_eq!(ok(r#"echo "a \"b\" \$c \n""#), ["echo", r#"a "b" $c \n"#]);
        assert_eq!(ok(r"echo a\ b"), ["echo", "a b"]);
        assert_eq!(ok("echo ''"), ["echo", ""]);
        assert_eq!(ok("a'b'\"c\"d"), ["abcd"]);
        assert!(ok("").is_empty());
    }

    #[test]
    fn rejects_unterminated_quotes() {
        assert!(split("echo 'oops").is_err());
        assert!(split("echo \"oops").is_err());
        assert!(split("echo oops\\").is_err());
    }
}

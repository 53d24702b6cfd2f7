//! The corpus test: every compose file docker/compose ships as test fixtures in its
//! docker-compose 1.29.2 source distribution (fetched from PyPI by `scripts/corpus-compose.sh`
//! into target/corpus, never committed), read by charm-docker and by docker-compose 1.29
//! (what `docker-compose -f FILE config -q` does, in one python process: the real peer)
//! side by side.
//!
//! It fails when charm-docker accepts fewer files than the threshold committed in
//! tests/corpus/compose-1.29.2.txt, when it accepts a file 1.29 refuses and that list gives
//! no reason why this is deliberate (or lists a file that is no longer such a case), and when
//! a refusal does not name the key and line it is about. The per-file table and the counts
//! are written to target/corpus/compose-1.29.2.report.
//!
//! Both tools see an empty environment plus the `.env` beside the file, as a charm passes
//! only the variables it means to.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use charm_docker::{Error, Project};

const EXPECTATIONS: &str = include_str!("corpus/compose-1.29.2.txt");

/// The fixtures' directory, fetched on first use; fails loudly when it cannot be.
fn corpus_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(root.join("scripts/corpus-compose.sh"))
        .output()
        .expect("cannot run scripts/corpus-compose.sh");
    assert!(
        out.status.success(),
        "scripts/corpus-compose.sh failed (the corpus test needs it):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

/// The committed expectations: the threshold, and the deliberate accepts with their reason.
struct Expectations {
    min_accepted: usize,
    deliberate: BTreeMap<String, String>,
}

fn expectations() -> Expectations {
    let mut min_accepted = None;
    let mut deliberate = BTreeMap::new();
    for (n, line) in EXPECTATIONS.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(n) = line.strip_prefix("min-accepted:") {
            min_accepted = Some(n.trim().parse().expect("min-accepted: a number"));
        } else if let Some(rest) = line.strip_prefix("accept ") {
            let (path, reason) = rest
                .split_once(": ")
                .unwrap_or_else(|| panic!("line {}: `accept PATH: REASON`", n + 1));
            assert!(!reason.trim().is_empty(), "line {}: no reason", n + 1);
            deliberate.insert(path.trim().to_owned(), reason.trim().to_owned());
        } else {
            panic!(
                "line {} of compose-1.29.2.txt not understood: {line}",
                n + 1
            );
        }
    }
    Expectations {
        min_accepted: min_accepted.expect("min-accepted: missing"),
        deliberate,
    }
}

/// What docker-compose 1.29's `config -q` decides for each file: tests/corpus/compose1_config.py
/// run once by the venv's python over them all (docker-compose itself starts in about a
/// second, once per file; this takes milliseconds per file).
fn compose1_config(files: &[PathBuf]) -> Vec<Result<(), String>> {
    let python = common::compose1_exe().with_file_name("python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/compose1_config.py");
    let mut child = Command::new(python)
        .arg(script)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot run the venv's python");
    let mut input = String::new();
    for file in files {
        writeln!(input, "{}", file.display()).unwrap();
    }
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "compose1_config.py failed");
    let results: Vec<Result<(), String>> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            match value["error"].as_str() {
                None => Ok(()),
                Some(e) => Err(e.to_owned()),
            }
        })
        .collect();
    assert_eq!(results.len(), files.len(), "one verdict per file");
    results
}

/// Why a refusal is not good enough, if it is not: it must be an invalid-file error with a
/// line, whose message starts with the key path it is about (`services.web.build: ...`,
/// `include: ...`) or names the key in backquotes (serde's "unknown field `x`").
fn refusal_defect(err: &Error) -> Option<String> {
    let Error::InvalidFile { line, message, .. } = err else {
        return Some(format!("not an invalid-file error: {err}"));
    };
    if line.is_none() {
        return Some(format!("no line: {err}"));
    }
    let keyed = message
        .split_once(": ")
        .is_some_and(|(key, _)| !key.is_empty() && !key.contains(' '))
        || message.contains('`');
    (!keyed).then(|| format!("names no key: {err}"))
}

struct Row {
    path: String,
    ours: Result<(), Error>,
    theirs: Result<(), String>,
}

#[test]
fn corpus_of_docker_compose_fixtures() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files.sort();
    assert!(
        files.len() > 100,
        "only {} files in {}",
        files.len(),
        dir.display()
    );
    let theirs = compose1_config(&files);
    let rows: Vec<Row> = files
        .iter()
        .enumerate()
        .map(|(i, file)| Row {
            path: file
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            ours: Project::builder(file).name("corpus").build().map(|_| ()),
            theirs: theirs[i].clone(),
        })
        .collect();

    let expect = expectations();
    let mut report = String::new();
    let mut problems = Vec::new();
    let (mut ours_ok, mut theirs_ok, mut both) = (0, 0, 0);
    for row in &rows {
        let (o, t) = (row.ours.is_ok(), row.theirs.is_ok());
        ours_ok += usize::from(o);
        theirs_ok += usize::from(t);
        both += usize::from(o && t);
        let ours = match &row.ours {
            Ok(()) => "accepted".to_owned(),
            Err(e) => format!("refused: {e}"),
        };
        let theirs = match &row.theirs {
            Ok(()) => "accepted".to_owned(),
            Err(e) => format!("refused: {e}"),
        };
        writeln!(
            report,
            "{}\n  charm-docker {ours}\n  1.29 {theirs}",
            row.path
        )
        .unwrap();
        match (&row.ours, expect.deliberate.get(&row.path)) {
            (Ok(()), None) if !t => problems.push(format!(
                "{}: charm-docker accepts what 1.29 refuses ({theirs}) and \
                 compose-1.29.2.txt gives no reason",
                row.path
            )),
            (Ok(()), Some(_)) if t => problems.push(format!(
                "{}: listed as a deliberate accept but 1.29 accepts it too",
                row.path
            )),
            (Err(_), Some(_)) => problems.push(format!(
                "{}: listed as a deliberate accept but charm-docker refuses it",
                row.path
            )),
            (Err(e), None) => {
                if let Some(defect) = refusal_defect(e) {
                    problems.push(format!("{}: {defect}", row.path));
                }
            }
            _ => {}
        }
    }
    for path in expect.deliberate.keys() {
        if !rows.iter().any(|r| &r.path == path) {
            problems.push(format!("{path}: listed but not in the corpus"));
        }
    }
    let summary = format!(
        "files: {}\ncharm-docker accepted: {ours_ok}\ndocker-compose 1.29 accepted: {theirs_ok}\n\
         both accepted: {both}\nthreshold: {}\n",
        rows.len(),
        expect.min_accepted
    );
    report.push('\n');
    report.push_str(&summary);
    let out = dir.join("../../../compose-1.29.2.report");
    std::fs::write(&out, &report).unwrap();
    println!("{summary}(table in {})", out.display());
    if ours_ok < expect.min_accepted {
        problems.push(format!(
            "charm-docker accepts {ours_ok} files, fewer than the threshold {}",
            expect.min_accepted
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

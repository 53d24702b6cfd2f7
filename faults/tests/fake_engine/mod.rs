//! Docker engines that misbehave, on a Unix socket: one that accepts connections and never
//! answers, and one that answers until a pull, which stalls after its first progress line.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A fake engine listening at `path` until the test process ends.
pub struct FakeEngine {
    pub path: PathBuf,
    accepted: Arc<AtomicUsize>,
    pulls: Arc<AtomicUsize>,
}

impl FakeEngine {
    /// `unix://PATH`, for `DOCKER_HOST`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Pulls started so far.
    pub fn pulls(&self) -> usize {
        self.pulls.load(Ordering::SeqCst)
    }

    /// Accepts every connection and never sends a byte.
    pub fn silent(dir: &Path) -> Self {
        Self::serve(dir, "silent.sock", |stream, _| {
            // Read whatever comes, answer nothing, keep the connection open.
            let mut sink = [0u8; 4096];
            let mut stream = stream;
            while stream.read(&mut sink).is_ok_and(|n| n > 0) {}
        })
    }

    /// Answers ping, version and lists; has no image; a pull sends one progress line, then
    /// nothing more, ever.
    pub fn stalling_pull(dir: &Path) -> Self {
        Self::serve(dir, "stalling.sock", |stream, pulls| {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut out = stream;
            loop {
                let Some((method, path)) = read_request(&mut reader) else {
                    return;
                };
                let path = path.split('?').next().unwrap_or_default().to_owned();
                if path.ends_with("/images/create") {
                    pulls.fetch_add(1, Ordering::SeqCst);
                    let line = "{\"status\":\"Pulling from faults/stall\",\"id\":\"1\"}\n";
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                    let _ = write!(out, "{head}{:x}\r\n{line}\r\n", line.len());
                    let _ = out.flush();
                    // The registry went quiet.
                    std::thread::sleep(Duration::from_secs(3600));
                    return;
                }
                let (status, body) = if path.ends_with("/_ping") {
                    ("200 OK", "OK".to_owned())
                } else if path.ends_with("/version") {
                    (
                        "200 OK",
                        r#"{"Version":"27.0.0","ApiVersion":"1.45","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#.to_owned(),
                    )
                } else if path.contains("/images/") && path.ends_with("/json") {
                    ("404 Not Found", r#"{"message":"No such image"}"#.to_owned())
                } else if path.ends_with("/volumes") {
                    ("200 OK", r#"{"Volumes":[],"Warnings":[]}"#.to_owned())
                } else if path.ends_with("/networks/create") {
                    ("201 Created", r#"{"Id":"n1","Warning":""}"#.to_owned())
                } else if method == "GET" {
                    ("200 OK", "[]".to_owned())
                } else {
                    (
                        "500 Internal Server Error",
                        r#"{"message":"not faked"}"#.to_owned(),
                    )
                };
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nApi-Version: 1.45\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = out.flush();
            }
        })
    }

    fn serve(
        dir: &Path,
        name: &str,
        handle: impl Fn(UnixStream, Arc<AtomicUsize>) + Send + Sync + 'static,
    ) -> Self {
        let path = dir.join(name);
        let listener = UnixListener::bind(&path).unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let pulls = Arc::new(AtomicUsize::new(0));
        let handle = Arc::new(handle);
        let (a, p) = (accepted.clone(), pulls.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                a.fetch_add(1, Ordering::SeqCst);
                let (handle, p) = (handle.clone(), p.clone());
                std::thread::spawn(move || handle(stream, p));
            }
        });
        Self {
            path,
            accepted,
            pulls,
        }
    }
}

/// Reads one HTTP/1.1 request (headers and a `Content-Length` body); `None` at EOF.
fn read_request(reader: &mut impl BufRead) -> Option<(String, String)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path))
}

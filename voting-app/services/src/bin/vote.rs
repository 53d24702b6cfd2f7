//! `vote`: the page with two options. `POST /` with `vote=a|b` pushes
//! `{"voter_id", "vote"}` to the Redis list `votes`; the voter id lives in a cookie.

use std::process::ExitCode;

use tiny_http::{Method, Request, Server};
use voting_services::{QUEUE, Vote, cookie_voter, form_vote, log, new_voter_id, redis_hosts};

fn main() -> ExitCode {
    if let Err(e) = voting_services::exit_on_signals() {
        log!("cannot handle signals: {e}");
    }
    let port = match voting_services::http_port(std::env::var("PORT").ok().as_deref()) {
        Ok(port) => port,
        Err(e) => {
            log!("{e}");
            return ExitCode::from(2);
        }
    };
    if std::env::args().nth(1).as_deref() == Some("--health") {
        return voting_services::health(port);
    }
    let hosts = redis_hosts(std::env::var("REDIS_HOST").ok().as_deref());
    let server = match Server::http(("0.0.0.0", port)) {
        Ok(server) => server,
        Err(e) => {
            log!("cannot listen on port {port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let me = voting_services::served_by();
    log!("listening on port {port}, queue on {hosts:?}");
    let mut queue = Queue {
        hosts,
        connection: None,
    };
    for request in server.incoming_requests() {
        handle(request, &mut queue, &me);
    }
    ExitCode::SUCCESS
}

/// The Redis side: one connection, to the first host that answers, made again after a
/// failure (a restarted redis, another host of the list).
struct Queue {
    hosts: Vec<(String, u16)>,
    connection: Option<redis::Connection>,
}

impl Queue {
    fn push(&mut self, vote: &Vote) -> Result<(), String> {
        // One retry on a fresh connection: the cached one may predate a redis restart.
        let mut last = String::new();
        for _ in 0..2 {
            if self.connection.is_none() {
                self.connection = Some(self.connect()?);
            }
            let connection = self.connection.as_mut().expect("just connected");
            match redis::cmd("RPUSH")
                .arg(QUEUE)
                .arg(vote.to_json())
                .query::<i64>(connection)
            {
                Ok(_) => return Ok(()),
                Err(e) => {
                    last = e.to_string();
                    self.connection = None;
                }
            }
        }
        Err(last)
    }

    fn connect(&self) -> Result<redis::Connection, String> {
        let mut errors = Vec::new();
        for (host, port) in &self.hosts {
            let attempt = redis::Client::open(format!("redis://{host}:{port}/"))
                .and_then(|c| c.get_connection_with_timeout(voting_services::CONNECT_TIMEOUT));
            match attempt {
                Ok(connection) => {
                    let _ = connection.set_read_timeout(Some(voting_services::CONNECT_TIMEOUT));
                    let _ = connection.set_write_timeout(Some(voting_services::CONNECT_TIMEOUT));
                    return Ok(connection);
                }
                Err(e) => errors.push(format!("{host}:{port}: {e}")),
            }
        }
        Err(errors.join("; "))
    }
}

fn handle(mut request: Request, queue: &mut Queue, me: &str) {
    let cookie = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Cookie"))
        .and_then(|h| cookie_voter(h.value.as_str()).map(str::to_owned));
    let (voter_id, new_cookie) = match cookie {
        Some(id) => (id, false),
        None => match new_voter_id() {
            Ok(id) => (id, true),
            Err(e) => return respond(request, 500, format!("no voter id: {e}\n"), None, me),
        },
    };
    let path = request.url().split('?').next().unwrap_or("/").to_owned();
    let (status, body) = match (request.method(), path.as_str()) {
        (Method::Get, "/") => (200, voting_services::vote_page(None, me)),
        (Method::Post, "/") => {
            let mut form = String::new();
            // The form is a few bytes: refuse a large body rather than buffer it.
            let reader = request.as_reader();
            if std::io::Read::read_to_string(&mut std::io::Read::take(reader, 4096), &mut form)
                .is_err()
            {
                (400, "unreadable body\n".to_owned())
            } else if let Some(option) = form_vote(&form) {
                let vote = Vote {
                    voter_id: voter_id.clone(),
                    vote: option.to_owned(),
                };
                match queue.push(&vote) {
                    Ok(()) => (200, voting_services::vote_page(Some(option), me)),
                    Err(e) => {
                        log!("cannot queue a vote: {e}");
                        (
                            503,
                            "the vote queue is not reachable, try again\n".to_owned(),
                        )
                    }
                }
            } else {
                (400, "the form needs vote=a or vote=b\n".to_owned())
            }
        }
        (_, "/") => (405, "GET or POST\n".to_owned()),
        _ => (404, "not found\n".to_owned()),
    };
    let cookie = new_cookie.then(|| format!("voter_id={voter_id}; Path=/; HttpOnly"));
    respond(request, status, body, cookie, me);
}

fn respond(request: Request, status: u16, body: String, cookie: Option<String>, me: &str) {
    let mut headers = vec![("X-Served-By", me)];
    if let Some(cookie) = &cookie {
        headers.push(("Set-Cookie", cookie));
    }
    voting_services::respond(request, status, body, &headers);
}

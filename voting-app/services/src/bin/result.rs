//! `result`: a page with the counts that refreshes itself, and `GET /api/results` answering
//! `{"a": N, "b": M}`, read from PostgreSQL at each request.

use std::process::ExitCode;

use tiny_http::{Method, Server};
use voting_services::{COUNT, Pg, log};

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
    let pg = match Pg::from_env(|k| std::env::var(k).ok()) {
        Ok(pg) => pg,
        Err(e) => {
            log!("{e}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::http(("0.0.0.0", port)) {
        Ok(server) => server,
        Err(e) => {
            log!("cannot listen on port {port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let me = voting_services::served_by();
    log!(
        "listening on port {port}, counts from {}:{}/{}",
        pg.host,
        pg.port,
        pg.database
    );
    let mut db: Option<postgres::Client> = None;
    for request in server.incoming_requests() {
        let path = request.url().split('?').next().unwrap_or("/").to_owned();
        let headers = [("X-Served-By", me.as_str())];
        if *request.method() != Method::Get {
            voting_services::respond(request, 405, "GET only\n".to_owned(), &headers);
            continue;
        }
        if path != "/" && path != "/api/results" {
            voting_services::respond(request, 404, "not found\n".to_owned(), &headers);
            continue;
        }
        match counts(&pg, &mut db) {
            Ok(counts) if path == "/" => {
                let page = voting_services::result_page(&counts, &me);
                voting_services::respond(request, 200, page, &headers);
            }
            Ok(counts) => {
                let json = voting_services::results_json(&counts);
                voting_services::respond(request, 200, json, &headers);
            }
            Err(e) => {
                log!("cannot count the votes: {}", voting_services::pg_error(&e));
                let body = "the database is not reachable, try again\n".to_owned();
                voting_services::respond(request, 503, body, &headers);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The counts per option; no table yet (the worker has not started) counts as no votes.
fn counts(
    pg: &Pg,
    db: &mut Option<postgres::Client>,
) -> Result<Vec<(String, i64)>, postgres::Error> {
    // One retry on a fresh connection: the cached one may predate a database restart.
    for attempt in 0..2 {
        if db.is_none() {
            *db = Some(pg.connect()?);
        }
        match db.as_mut().expect("connected above").query(COUNT, &[]) {
            Ok(rows) => return Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect()),
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => {
                return Ok(Vec::new());
            }
            Err(e) if attempt == 0 => {
                log!(
                    "reconnecting to the database: {}",
                    voting_services::pg_error(&e)
                );
                *db = None;
            }
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

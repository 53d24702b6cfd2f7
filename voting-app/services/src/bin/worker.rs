//! `worker`: pops the votes from every Redis host of `REDIS_HOST` and upserts one row per
//! voter in PostgreSQL (creating the table), reconnecting to whichever side restarts. A vote
//! popped while PostgreSQL is down is held and written once it is back: none is lost.

use std::process::ExitCode;
use std::time::Duration;

use voting_services::{CONNECT_TIMEOUT, CREATE_TABLE, Pg, QUEUE, UPSERT, Vote, log, redis_hosts};

/// The pause between two rounds when every queue was empty or a side is down.
const IDLE: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    if let Err(e) = voting_services::exit_on_signals() {
        log!("cannot handle signals: {e}");
    }
    let pg = match Pg::from_env(|k| std::env::var(k).ok()) {
        Ok(pg) => pg,
        Err(e) => {
            log!("{e}");
            return ExitCode::from(2);
        }
    };
    let hosts = redis_hosts(std::env::var("REDIS_HOST").ok().as_deref());
    log!(
        "votes from {hosts:?} into {}@{}:{}/{}",
        pg.user,
        pg.host,
        pg.port,
        pg.database
    );
    let mut db: Option<postgres::Client> = None;
    let mut queues: Vec<Option<redis::Connection>> = hosts.iter().map(|_| None).collect();
    // A vote popped but not yet written: retried before popping another.
    let mut held: Option<Vote> = None;
    loop {
        if db.is_none() {
            db = connect_db(&pg);
            if db.is_none() {
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        }
        if let Some(vote) = held.take() {
            let client = db.as_mut().expect("connected above");
            if let Err(e) = client.execute(UPSERT, &[&vote.voter_id, &vote.vote]) {
                log!(
                    "cannot write a vote, reconnecting: {}",
                    voting_services::pg_error(&e)
                );
                held = Some(vote);
                db = None;
                std::thread::sleep(IDLE);
            }
            continue;
        }
        let mut popped = false;
        for (i, (host, port)) in hosts.iter().enumerate() {
            match pop(&mut queues[i], host, *port) {
                Ok(Some(text)) => match Vote::from_json(&text) {
                    Ok(vote) => {
                        held = Some(vote);
                        popped = true;
                        break;
                    }
                    Err(e) => log!("dropping a malformed vote from {host}:{port}: {e}"),
                },
                Ok(None) => {}
                Err(e) => {
                    log!("redis {host}:{port}: {e}");
                    queues[i] = None;
                }
            }
        }
        if !popped {
            std::thread::sleep(IDLE);
        }
    }
}

fn connect_db(pg: &Pg) -> Option<postgres::Client> {
    match pg
        .connect()
        .and_then(|mut c| c.batch_execute(CREATE_TABLE).map(|()| c))
    {
        Ok(client) => {
            log!("connected to the database at {}:{}", pg.host, pg.port);
            Some(client)
        }
        Err(e) => {
            log!(
                "waiting for the database at {}:{}: {}",
                pg.host,
                pg.port,
                voting_services::pg_error(&e)
            );
            None
        }
    }
}

/// One vote from the queue at `host`, connecting first when needed.
fn pop(
    slot: &mut Option<redis::Connection>,
    host: &str,
    port: u16,
) -> redis::RedisResult<Option<String>> {
    if slot.is_none() {
        let client = redis::Client::open(format!("redis://{host}:{port}/"))?;
        let connection = client.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        connection.set_read_timeout(Some(CONNECT_TIMEOUT))?;
        *slot = Some(connection);
    }
    redis::cmd("LPOP")
        .arg(QUEUE)
        .query(slot.as_mut().expect("connected above"))
}

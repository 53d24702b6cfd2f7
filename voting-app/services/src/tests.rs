use super::*;

#[test]
fn redis_hosts_follow_the_seed_contract() {
    assert_eq!(redis_hosts(None), [("redis".to_owned(), 6379)]);
    assert_eq!(redis_hosts(Some(" , ")), [("redis".to_owned(), 6379)]);
    assert_eq!(
        redis_hosts(Some("10.0.0.7,10.0.0.8:6380, r3")),
        [
            ("10.0.0.7".to_owned(), 6379),
            ("10.0.0.8".to_owned(), 6380),
            ("r3".to_owned(), 6379)
        ]
    );
    // An IPv6 address without brackets is a host, not host:port.
    assert_eq!(redis_hosts(Some("fd00::1")), [("fd00::1".to_owned(), 6379)]);
}

#[test]
fn pg_defaults_and_overrides() {
    let none = Pg::from_env(|_| None).unwrap();
    assert_eq!(
        none,
        Pg {
            host: "db".into(),
            port: 5432,
            user: "postgres".into(),
            password: "postgres".into(),
            database: "postgres".into()
        }
    );
    let env = |k: &str| match k {
        "PG_HOST" => Some("10.0.0.9:6432".to_owned()),
        "PG_USER" => Some("vote".to_owned()),
        "PG_PASS" => Some("s3cret".to_owned()),
        "PG_DB" => Some("voting".to_owned()),
        _ => None,
    };
    let pg = Pg::from_env(env).unwrap();
    assert_eq!((pg.host.as_str(), pg.port), ("10.0.0.9", 6432));
    assert_eq!((pg.user.as_str(), pg.database.as_str()), ("vote", "voting"));
    let bad = Pg::from_env(|k| (k == "PG_PORT").then(|| "x".to_owned())).unwrap_err();
    assert!(bad.contains("PG_PORT"), "{bad}");
}

#[test]
fn votes_round_trip_and_bad_ones_are_refused() {
    let vote = Vote {
        voter_id: "ab12".into(),
        vote: "b".into(),
    };
    assert_eq!(Vote::from_json(&vote.to_json()).unwrap(), vote);
    for bad in [
        "",
        "nope",
        r#"{"vote":"a"}"#,
        r#"{"voter_id":"x","vote":"c"}"#,
        r#"{"voter_id":"","vote":"a"}"#,
    ] {
        assert!(Vote::from_json(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn the_form_and_the_cookie() {
    assert_eq!(form_vote("vote=a"), Some("a"));
    assert_eq!(form_vote("x=1&vote=b"), Some("b"));
    assert_eq!(form_vote("vote=c"), None);
    assert_eq!(form_vote(""), None);
    assert_eq!(cookie_voter("a=1; voter_id=00ff"), Some("00ff"));
    // Not hex, or too long: a new id rather than untrusted text in the database.
    assert_eq!(cookie_voter("voter_id=x'--"), None);
    assert_eq!(cookie_voter(&format!("voter_id={}", "a".repeat(65))), None);
    let id = new_voter_id().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(cookie_voter(&format!("voter_id={id}")), Some(id.as_str()));
}

#[test]
fn pages_and_counts() {
    let counts = [("a".to_owned(), 3), ("b".to_owned(), 1)];
    assert_eq!(results_json(&counts), r#"{"a":3,"b":1}"#);
    assert_eq!(results_json(&[]), r#"{"a":0,"b":0}"#);
    let page = result_page(&counts, "c1");
    assert!(page.contains("Cats: 3") && page.contains("Dogs: 1") && page.contains("refresh"));
    let page = vote_page(Some("a"), "<c1>");
    assert!(page.contains("value=\"a\"") && page.contains("value=\"b\""));
    assert!(page.contains("&lt;c1&gt;"), "hostname escaped");
    assert_eq!(http_port(None), Ok(80));
    assert_eq!(http_port(Some("8080")), Ok(8080));
    assert!(http_port(Some("80x")).is_err());
}

//! The template against hostile values: whatever a config option or a relation holds, the
//! rendered file parses, has exactly the expected services and keys, and every value reads
//! back as it was given.

use charm_yaml::{Mapping, Value};
use proptest::prelude::*;

use super::*;

fn config(images: [&str; 5]) -> voting_app::Config {
    voting_app::Config {
        vote_image: images[0].into(),
        result_image: images[1].into(),
        worker_image: images[2].into(),
        redis_image: images[3].into(),
        postgres_image: images[4].into(),
        vote_port: 5000,
        result_port: 5001,
    }
}

fn credentials(values: [&str; 4]) -> PgCredentials {
    PgCredentials {
        unit: "postgresql/0".into(),
        host: values[0].into(),
        port: 5432,
        user: values[1].into(),
        password: values[2].into(),
        database: values[3].into(),
    }
}

fn map<'a>(value: &'a Value, what: &str) -> &'a Mapping {
    value
        .as_mapping()
        .unwrap_or_else(|| panic!("{what} is not a mapping: {value:?}"))
}

/// What Compose makes of a scalar of the file: `$$` is `$`, and nothing else may be
/// interpolated (the escaper doubles every `$`).
fn meant(scalar: &str) -> String {
    charm_core::docker::Environment::new()
        .interpolate(scalar)
        .unwrap_or_else(|e| panic!("{scalar:?} would be interpolated: {e}"))
}

fn keys(m: &Mapping) -> Vec<&str> {
    m.keys().map(|k| k.as_str().unwrap()).collect()
}

/// Renders, parses, and checks the structure and every value.
fn check(config: &voting_app::Config, redis_host: Option<&str>, pg: Option<&PgCredentials>) {
    let compose = Compose {
        config,
        vote_port: 5000,
        result_port: 5001,
        redis_host: redis_host.map(str::to_owned),
        postgres: pg,
        builtin_db_password: crate::workload::BUILTIN_DB_PASSWORD,
    };
    let text = charm_core::render::render(&compose).unwrap();
    let doc: Value =
        charm_yaml::from_str(&text).unwrap_or_else(|e| panic!("unparsable render: {e}\n{text}"));
    let doc = map(&doc, "the document");
    // The built-in db's data lives on a named volume; no volume without the db.
    let top: &[&str] = match pg {
        None => &["services", "volumes"],
        Some(_) => &["services"],
    };
    assert_eq!(keys(doc), top, "{text}");
    let services = map(&doc["services"], "services");
    let mut expected = vec!["vote"];
    if redis_host.is_none() {
        expected.push("redis");
    }
    expected.push("worker");
    if pg.is_none() {
        expected.push("db");
    }
    expected.push("result");
    assert_eq!(keys(services), expected, "{text}");

    let image = |s: &str| services[s]["image"].as_str().map(meant);
    assert_eq!(image("vote").as_deref(), Some(config.vote_image.as_str()));
    assert_eq!(
        image("result").as_deref(),
        Some(config.result_image.as_str())
    );
    assert_eq!(
        image("worker").as_deref(),
        Some(config.worker_image.as_str())
    );
    if redis_host.is_none() {
        assert_eq!(image("redis").as_deref(), Some(config.redis_image.as_str()));
    }
    if pg.is_none() {
        assert_eq!(image("db").as_deref(), Some(config.postgres_image.as_str()));
        let db = map(&services["db"], "db");
        assert_eq!(keys(db), ["image", "environment", "volumes"], "{text}");
        assert_eq!(
            db["volumes"].as_sequence().unwrap(),
            &[Value::from("db-data:/var/lib/postgresql/data")]
        );
        assert_eq!(
            db["environment"]["POSTGRES_PASSWORD"].as_str(),
            Some(crate::workload::BUILTIN_DB_PASSWORD)
        );
        assert_eq!(keys(map(&doc["volumes"], "volumes")), ["db-data"]);
    }
    let ports = |s: &str| services[s]["ports"].as_sequence().unwrap().clone();
    assert_eq!(ports("vote"), [Value::from("5000:80")]);
    assert_eq!(ports("result"), [Value::from("5001:80")]);

    let mut redis_env = Vec::new();
    if let Some(host) = redis_host {
        redis_env.push(("REDIS_HOST", host));
    }
    let mut pg_env = Vec::new();
    if let Some(pg) = pg {
        pg_env = vec![
            ("PG_HOST", pg.host.as_str()),
            ("PG_USER", pg.user.as_str()),
            ("PG_PASS", pg.password.as_str()),
            ("PG_DB", pg.database.as_str()),
        ];
    }
    let worker_env: Vec<_> = redis_env.iter().chain(&pg_env).copied().collect();
    for (service, env) in [
        ("vote", &redis_env),
        ("worker", &worker_env),
        ("result", &pg_env),
    ] {
        let svc = map(&services[service], service);
        let want_keys: &[&str] = match (service, env.is_empty()) {
            ("worker", true) => &["image"],
            ("worker", false) => &["image", "environment"],
            (_, true) => &["image", "ports"],
            (_, false) => &["image", "environment", "ports"],
        };
        assert_eq!(keys(svc), want_keys, "{service}:\n{text}");
        if env.is_empty() {
            continue;
        }
        let got = map(&svc["environment"], "environment");
        let got: Vec<(&str, String)> = got
            .iter()
            .map(|(k, v)| (k.as_str().unwrap(), meant(v.as_str().unwrap())))
            .collect();
        let want: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        assert_eq!(got, want, "{service}:\n{text}");
    }
}

#[test]
fn the_seed_defaults_render_the_standalone_formation() {
    let defaults = config([
        "lazypower/vote-example",
        "lazypower/result-example",
        "lazypower/worker-example",
        "redis:alpine",
        "postgres:9.4",
    ]);
    check(&defaults, None, None);
    check(&defaults, Some("10.0.0.7,10.0.0.8"), None);
    let pg = credentials(["10.0.0.9", "vote", "s3cret", "voting_app"]);
    check(&defaults, None, Some(&pg));
    check(&defaults, Some("10.0.0.7"), Some(&pg));
}

#[test]
fn injection_attempts_stay_values() {
    let evil = "x\"\n  privileged: true\n  evil:\n    image: \"busybox";
    let cfg = config([evil, "a: b", "# c", "- d", "{e: f}"]);
    let pg = credentials([evil, "'", "\\\"", "\u{2028}\u{85}"]);
    check(&cfg, Some(evil), Some(&pg));
}

/// Strings rich in what breaks YAML: quotes, backslashes, line breaks, colons, `#`, flow
/// indicators, controls, non-ASCII, and long values.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::collection::vec(
            prop_oneof![
                Just('"'), Just('\''), Just('\\'), Just('\n'), Just('\r'), Just('\t'),
                Just(':'), Just('#'), Just('-'), Just('{'), Just('}'), Just('['), Just(']'),
                Just('&'), Just('*'), Just('!'), Just('|'), Just('>'), Just('%'), Just('@'),
                Just(' '), Just('\u{85}'), Just('\u{2028}'), Just('\u{feff}'), Just('\0'),
                Just('é'), Just('☃'), Just('🦀'),
                any::<char>(),
                proptest::char::range('a', 'z'),
            ],
            0..40,
        ).prop_map(|cs| cs.into_iter().collect()),
        2 => any::<String>(),
        1 => "[a-z]{1,8}".prop_map(|s| s.repeat(300)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn any_values_round_trip(
        images in proptest::array::uniform5(nasty()),
        redis in proptest::option::of(nasty()),
        pg in proptest::option::of(proptest::array::uniform4(nasty())),
    ) {
        let cfg = config(images.each_ref().map(String::as_str));
        let pg = pg.map(|p| credentials(p.each_ref().map(String::as_str)));
        check(&cfg, redis.as_deref(), pg.as_ref());
    }
}

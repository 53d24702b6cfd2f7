//! Property tests over hostile config and relation values (7,000 cases here, and 3,000 of
//! wrong-typed config values in charm-core's `config::tests`, where the framework checks
//! types: the emulator, as Juju, never hands a hook a value of the wrong type): multi-byte
//! text at every length, NUL, YAML specials, `$`, 1 MB values. No panic; every value reaches
//! Juju, the rendered file and the relation intact, and injects no key.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use charm_testing::Harness;
use proptest::prelude::*;
use serde_json::json;

/// Text an attacker would send.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::collection::vec(
            prop_oneof![
                Just('"'), Just('\''), Just('\\'), Just('\n'), Just('\r'), Just('\t'),
                Just(':'), Just('#'), Just('-'), Just('{'), Just('}'), Just('['), Just(']'),
                Just('&'), Just('*'), Just('!'), Just('|'), Just('>'), Just('%'), Just('@'),
                Just('$'), Just('='), Just(' '), Just('\u{85}'), Just('\u{2028}'),
                Just('\u{feff}'), Just('\0'), Just('é'), Just('☃'), Just('🦀'),
                any::<char>(),
                proptest::char::range('a', 'z'),
            ],
            0..40,
        ).prop_map(|cs| cs.into_iter().collect()),
        // One multi-byte character repeated, at every length up to past the 80-character
        // cut of error messages.
        2 => (prop_oneof![Just("é"), Just("€"), Just("🦀"), Just("\0")], 0usize..200)
            .prop_map(|(c, n)| c.repeat(n)),
        1 => prop_oneof![
            Just("${HOME}".to_owned()), Just("$$".to_owned()), Just("~".to_owned()),
            Just("null".to_owned()), Just("yes".to_owned()), Just("0x1F".to_owned()),
            Just("---".to_owned()), Just("...".to_owned()), Just("key: value".to_owned()),
            Just("- item".to_owned()), Just("!!binary aGk=".to_owned()), Just("*ref".to_owned()),
            Just("password: injected\nport: 1".to_owned()),
        ],
        2 => any::<String>(),
    ]
}

fn harness() -> Harness {
    let mut h = Harness::new(
        &faults::faulty::CHARM,
        env!("CARGO_MANIFEST_DIR"),
        "faulty/0",
    )
    .unwrap();
    h.set_config("password", common::PASSWORD).unwrap();
    for hook in ["install", "leader-elected", "config-changed", "start"] {
        let out = h.run(hook);
        assert!(out.result.is_ok(), "{hook}: {:?}", out.result);
    }
    let (_, outs) = h
        .relate("site", "client", &[(common::REMOTE, &[("ask", "a")])])
        .unwrap();
    assert!(outs.iter().all(|o| o.result.is_ok()));
    h
}

/// Cases one unit serves before a fresh one: the emulator's model keeps every log record and
/// tool call, and grows with each hook (issue 14 item 5).
const CASES_PER_UNIT: u32 = 100;

thread_local! {
    /// One deployed unit per test thread, reused for [`CASES_PER_UNIT`] cases (a fresh one
    /// costs a deploy).
    static UNIT: RefCell<Option<(Harness, u32)>> = const { RefCell::new(None) };
}

fn with_unit<R>(f: impl FnOnce(&mut Harness) -> R) -> R {
    UNIT.with(|u| {
        let mut u = u.borrow_mut();
        if u.as_ref().is_none_or(|(_, n)| *n >= CASES_PER_UNIT) {
            *u = Some((harness(), 0));
        }
        let (h, n) = u.as_mut().unwrap();
        *n += 1;
        f(h)
    })
}

/// The rendered file as Compose reads it (YAML, then `$$` as `$`: the `yml` escaper doubles
/// every `$` for Compose's interpolation): the keys, with their values as strings.
fn rendered(charm_dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(charm_dir.join(faults::APP_FILE)).unwrap();
    let map: BTreeMap<String, charm_yaml::Value> = charm_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("the rendering does not parse: {e}\n{text}"));
    map.into_iter()
        .map(|(k, v)| match v {
            charm_yaml::Value::String(s) => (k, s.replace("$$", "$")),
            other => panic!("{k} is not a string: {other:?}\n{text}"),
        })
        .collect()
}

fn relation_id(h: &Harness) -> u64 {
    *h.model().relations.keys().next().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

    #[test]
    fn config_values_arrive_intact_everywhere(
        greeting in nasty(),
        password in nasty(),
        port in prop_oneof![8 => 1i64..=65535, 1 => any::<i64>(), 1 => Just(0i64)],
    ) {
        with_unit(|h| {
            // Juju's own rule: an empty string is no value (the default).
            h.set_config_value("greeting", json!(greeting)).unwrap();
            h.set_config_value("password", json!(password)).unwrap();
            h.set_config_value("port", json!(port)).unwrap();
            let out = h.run("config-changed");
            prop_assert!(out.result.is_ok(), "{:?}", out.result);
            let config = h.model().effective_config();
            let greeting = config["greeting"].as_str().unwrap().to_owned();
            let password = config["password"].as_str().unwrap().to_owned();
            let status = h.unit_status();
            match u16::try_from(port).ok().filter(|p| *p != 0) {
                None => {
                    prop_assert_eq!(status.status, "blocked");
                    prop_assert_eq!(status.message, format!("port={port} is not a TCP port"));
                }
                Some(p) => {
                    prop_assert_eq!(h.opened_ports(), vec![format!("{p}/tcp")]);
                    prop_assert_eq!(status.message, faults::serving(p));
                    let file = rendered(h.charm_dir());
                    let keys: Vec<&str> = file.keys().map(String::as_str).collect();
                    prop_assert_eq!(keys, vec!["echo", "greeting", "password", "port"]);
                    prop_assert_eq!(&file["greeting"], &greeting);
                    prop_assert_eq!(&file["password"], &password);
                    prop_assert_eq!(&file["port"], &p.to_string());
                    let published = h.published(relation_id(h));
                    // An empty value is no key, as `relation-set key=` deletes it.
                    let wanted = Some(&greeting).filter(|g| !g.is_empty());
                    prop_assert_eq!(published.get("greeting"), wanted);
                    let ours: Vec<&str> = published
                        .keys()
                        .map(String::as_str)
                        .filter(|k| !["egress-subnets", "ingress-address", "private-address"].contains(k))
                        .collect();
                    let mut keys = vec!["echo", "greeting", "port"];
                    keys.retain(|k| *k != "greeting" || !greeting.is_empty());
                    prop_assert_eq!(ours, keys);
                }
            }
            Ok(())
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    #[test]
    fn remote_values_arrive_intact_and_inject_nothing(ask in nasty(), key in nasty(), other in nasty()) {
        with_unit(|h| {
            let id = relation_id(h);
            let mut data: Vec<(&str, &str)> = vec![("ask", &ask)];
            if !key.is_empty() && key != "ask" {
                data.push((&key, &other));
            }
            let out = h.change_unit_data(id, common::REMOTE, &data);
            prop_assert!(out.result.is_ok(), "{:?}", out.result);
            let published = h.published(id);
            let echo = published.get("echo").cloned().unwrap_or_default();
            prop_assert_eq!(&echo, &ask);
            let ours: Vec<&str> = published
                .keys()
                .map(String::as_str)
                .filter(|k| !["egress-subnets", "ingress-address", "private-address"].contains(k))
                .collect();
            let wanted: Vec<&str> = if ask.is_empty() { vec!["greeting", "port"] } else { vec!["echo", "greeting", "port"] };
            prop_assert_eq!(ours, wanted);
            if h.unit_status().status == "active" {
                prop_assert_eq!(&rendered(h.charm_dir())["echo"], &ask);
            }
            // Clean up the extra key for the next case.
            if data.len() > 1 {
                let out = h.change_unit_data(id, common::REMOTE, &[(&key, "")]);
                prop_assert!(out.result.is_ok(), "{:?}", out.result);
            }
            Ok(())
        })?;
    }
}

/// 1 MB values, through the real hook-tool processes of the emulator.
#[test]
fn a_megabyte_value_arrives_intact() {
    let f = common::Faulty::deployed();
    let big: String = "é$\0: ".repeat(1 << 18).chars().take(1 << 20).collect();
    f.unit
        .runner
        .model_dir()
        .transact(|emu| {
            emu.model_mut()
                .config_values
                .insert("greeting".to_owned(), json!(big));
            Ok(())
        })
        .unwrap();
    common::ok(
        &f.unit.runner,
        charm_emulator::Hook::new("config-changed"),
        "1 MB",
    );
    f.assert_converged("a 1 MB greeting");
    f.set_ask(&big);
    common::ok(&f.unit.runner, f.relation_changed(), "1 MB ask");
    f.assert_converged("a 1 MB ask");
}

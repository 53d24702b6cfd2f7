//! A rendered compose file means the same to docker-compose 1.29 (which interpolates `$`)
//! as to charm-docker: every value of a `#[charm_core::template]` YAML file, `$` included,
//! is what `docker-compose config` reads back. docker-compose 1.29.2 comes from PyPI, in the
//! venv `scripts/venv-compose.sh` makes (the test runs it; it fails loudly without it).

use std::process::Command;

#[charm_core::template(
    source = "services:\n  app:\n    image: busybox\n    environment:\n{% for (k, v) in vars %}      {{ k }}: {{ v }}\n{% endfor %}",
    ext = "yml"
)]
struct Compose<'a> {
    vars: &'a [(String, String)],
}

const VALUES: &[&str] = &[
    "plain",
    "p$ss",
    "p$$ss",
    "$HOME",
    "${HOME}",
    "${HOME:-x}",
    "$$$",
    "a$",
    "$",
    "pg-s3cret-$never-$$logged-${HOME}",
    "quote \" and ' and \\ back",
    "line\nbreak",
    "colon: hash # dash -",
];

fn compose1() -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/venv-compose.sh");
    let out = Command::new(script)
        .output()
        .expect("running scripts/venv-compose.sh");
    assert!(
        out.status.success(),
        "scripts/venv-compose.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn docker_compose_1_29_reads_every_value_back() {
    let vars: Vec<(String, String)> = VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("V{i}"), (*v).to_owned()))
        .collect();
    let text = charm_core::render::render(&Compose { vars: &vars }).unwrap();
    // A control, written by hand without the escaper: 1.29 interpolates it.
    let text = format!("{text}      RAW: \"$HOME-x\"\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docker-compose.yml");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new(compose1())
        .arg("-f")
        .arg(&file)
        .args(["--project-name", "charm-core-meaning", "config"])
        .env_remove("HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker-compose config: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config: charm_yaml::Value =
        charm_yaml::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let env = &config["services"]["app"]["environment"];
    // `config` prints a compose file again: its `$` come out as `$$`. Without the escaper's
    // doubling, 1.29 interpolates (the control: `$HOME` is gone).
    assert_eq!(env["RAW"].as_str(), Some("-x"), "{text}");
    let ours = charm_core::docker::Environment::new();
    let doc: charm_yaml::Value = charm_yaml::from_str(&text).unwrap();
    for (k, v) in &vars {
        let scalar = doc["services"]["app"]["environment"][k.as_str()]
            .as_str()
            .unwrap();
        // 1.29 read the value as the literal the scalar stands for (printed re-escaped)...
        assert_eq!(env[k.as_str()].as_str(), Some(scalar), "{k}:\n{text}");
        // ... and so does charm-docker: the value itself.
        assert_eq!(ours.interpolate(scalar).unwrap(), *v, "{k}");
    }
}

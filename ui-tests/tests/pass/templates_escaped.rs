//! Charm templates are escaped by construction, with no askama.toml (this crate has none):
//! a hostile config value stays one YAML scalar or one .env value. The same template
//! through a plain `#[derive(askama::Template)]` is not escaped at all: that is what a
//! charm got when its askama.toml was missing.

#[charm_core::template(
    source = "services:\n  app:\n    image: {{ image }}\n    ports:\n      - \"{{ port|int }}:80\"\n",
    ext = "yml"
)]
struct Compose<'a> {
    image: &'a str,
    port: u16,
}

#[derive(askama::Template)]
#[template(
    source = "services:\n  app:\n    image: {{ image }}\n    ports:\n      - \"{{ port }}:80\"\n",
    ext = "yml"
)]
struct Unescaped<'a> {
    image: &'a str,
    port: u16,
}

#[charm_core::template(source = "PASSWORD={{ password }}\nPORT={{ port|int }}\n", ext = "env")]
struct Env<'a> {
    password: &'a str,
    port: u16,
}

const EVIL: &str = "redis\n    privileged: true";

fn main() {
    let text = charm_core::render::render(&Compose { image: EVIL, port: 8080 }).unwrap();
    assert_eq!(
        text,
        "services:\n  app:\n    image: \"redis\\n    privileged: true\"\n    ports:\n      - \"8080:80\"\n"
    );
    assert!(!text.contains("\n    privileged"));

    let raw = askama::Template::render(&Unescaped { image: EVIL, port: 8080 }).unwrap();
    assert!(raw.contains("\n    privileged: true\n"), "{raw}");

    let env = charm_core::render::render(&Env { password: "a\nADMIN=1", port: 5432 }).unwrap();
    assert_eq!(env, "PASSWORD=\"a\\nADMIN=1\"\nPORT=5432\n");
    assert_eq!(env.lines().count(), 2);
}

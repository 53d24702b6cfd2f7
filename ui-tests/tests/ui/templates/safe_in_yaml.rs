// `|safe` writes a text value raw into a compose file: a config value such as
// "x\n    privileged: true" would add a key. In a charm template it does not compile.
#[charm_core::template(
    source = "services:\n  app:\n    image: {{ image|safe }}\n",
    ext = "yml"
)]
struct Compose {
    image: String,
}

fn main() {
    let _ = charm_core::render::render(&Compose { image: "redis".into() });
}

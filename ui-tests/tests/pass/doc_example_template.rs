//! The `#[template]` example of charm-macros' documentation, verbatim (see
//! doc_example_attributes.rs; doc-check holds the two in sync).

#[charm_core::template(source = "image: {{ image }}\nport: {{ port|int }}\n", ext = "yml")]
struct Service<'a> {
    image: &'a str,
    port: u16,
}

fn main() {
    let text = charm_core::render::render(&Service { image: "redis:7\nprivileged: true", port: 6379 }).unwrap();
    assert_eq!(text, "image: \"redis:7\\nprivileged: true\"\nport: 6379\n");
}

// `|int` writes its value bare, so it takes integers only: a port read as text from config
// could carry anything.
#[charm_core::template(source = "ports:\n  - \"{{ port|int }}:80\"\n", ext = "yml")]
struct Compose {
    port: String,
}

fn main() {
    let _ = charm_core::render::render(&Compose { port: "5000".into() });
}

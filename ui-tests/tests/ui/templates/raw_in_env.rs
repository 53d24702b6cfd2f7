// An `.env` template is escaped too: `|e("none")` would let a newline in a value add a
// variable.
#[charm_core::template(source = "PASSWORD={{ password|e(\"none\") }}\n", ext = "env")]
struct Env {
    password: String,
}

fn main() {
    let _ = charm_core::render::render(&Env { password: "x".into() });
}

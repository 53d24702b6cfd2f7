//! Generates the conformance charm from the scenario files (see src/rust_gen.rs).

#[path = "src/scenario.rs"]
#[allow(dead_code)]
mod scenario;

#[path = "src/rust_gen.rs"]
mod rust_gen;

fn main() {
    let dir = std::path::Path::new("scenarios");
    println!("cargo::rerun-if-changed=scenarios");
    println!("cargo::rerun-if-changed=src/scenario.rs");
    println!("cargo::rerun-if-changed=src/rust_gen.rs");
    let scenarios = match scenario::load_dir(dir) {
        Ok(s) => s,
        Err(e) => panic!("conformance scenarios: {e}"),
    };
    let code = rust_gen::generate(&scenarios);
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    if let Err(e) = std::fs::write(out.join("charm.rs"), code) {
        panic!("writing the generated charm: {e}");
    }
}

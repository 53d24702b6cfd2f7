// A compose file from a plain askama template: nothing escapes its values (askama writes
// `.yml` as text unless an askama.toml says otherwise), so compose_converge refuses it.
use charm_core::prelude::*;

#[derive(askama::Template)]
#[template(source = "services:\n  app:\n    image: {{ image }}\n", ext = "yml")]
struct Compose {
    image: String,
}

fn converge(unit: &mut Unit) -> Result<()> {
    let compose = Compose { image: "redis".into() };
    unit.compose_converge("app", "files/app/docker-compose.yml", &compose, "Configuring")?;
    Ok(())
}

fn main() {
    let _ = converge;
}

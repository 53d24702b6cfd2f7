//! A charm built on the docker layer alone: active while the engine answers.

#[charm_core::charm(layers(charm_core::docker))]
mod probe {
    use charm_core::prelude::*;

    #[when("docker.available")]
    fn engine_ok(unit: &mut Unit) -> Result<()> {
        let version = unit.docker()?.api_version();
        unit.status().active(format!("Docker API {version}"))
    }
}

fn main() -> std::process::ExitCode {
    probe::CHARM.main()
}

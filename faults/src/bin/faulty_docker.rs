//! The `faulty-docker` charm's binary.

fn main() -> std::process::ExitCode {
    faults::faulty_docker::CHARM.main()
}

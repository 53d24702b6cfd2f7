//! The `faulty` charm's binary.

fn main() -> std::process::ExitCode {
    faults::faulty::CHARM.main()
}

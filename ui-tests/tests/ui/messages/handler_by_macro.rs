// Handlers made by a `macro_rules!` macro: the module's macro reads the functions before
// the macro expands.
#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    macro_rules! on_hook {
        ($name:ident, $hook:literal) => {
            #[hook($hook)]
            fn $name(unit: &mut Unit) -> Result<()> {
                unit.status().maintenance($hook)
            }
        };
    }

    on_hook!(install, "install");
}

fn main() {}

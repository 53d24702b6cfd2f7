// A handler written as a method: the registry calls free functions.
#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    pub struct App;

    impl App {
        #[hook("install")]
        fn install(unit: &mut Unit) -> Result<()> {
            unit.status().maintenance("installing")
        }
    }
}

fn main() {}

// `connected` is raised on the requires side of the `redis` interface; `cache` provides it.
#[charm_core::charm(metadata = "../../fixtures/roles/metadata.yaml")]
mod cache_server {
    use charm_core::prelude::*;

    #[when("cache.connected")]
    fn serve(unit: &mut Unit) -> Result<()> {
        unit.status().active("serving")
    }
}

fn main() {}

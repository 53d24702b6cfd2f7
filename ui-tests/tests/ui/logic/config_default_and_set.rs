// `vote_image` has a non-empty default, so at its default it is set: the two conditions
// exclude each other.
#[charm_core::charm(metadata = "../../fixtures/metadata.yaml", config = "../../fixtures/config.yaml")]
mod voting {
    use charm_core::prelude::*;

    #[when("config.default.vote_image")]
    #[when_not("config.set.vote_image")]
    fn unset(unit: &mut Unit) -> Result<()> {
        unit.status().blocked("set vote_image")
    }
}

fn main() {}

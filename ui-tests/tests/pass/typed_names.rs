//! Typed names wherever the author writes them: a helper function outside the `#[charm]`
//! module, an `impl` block, a nested module, a `const`, a closure, a loop over an array of
//! flags, a `debug_assert!`, a flag of a layer in another crate, a flag of a declared
//! pattern, and endpoints read through the interface metadata.yaml gives them. Every
//! handler runs through `charm_testing::Harness`.

use charm_core::{Flag, Result, Unit};
use charm_testing::Harness;

// ANCHOR: typed
#[charm_core::charm(
    metadata = "../fixtures/metadata.yaml",
    config = "../fixtures/config.yaml",
    flags("app.running", "app.stale", "app.worker.*"),
    layers(greeter_layer::greeter),
    // Only the test reads `app.stale`, outside the module.
    allow(unread("app.stale"))
)]
mod voting {
    use charm_core::prelude::*;

    use super::{WATCHED, Workers, mark_stale};

    #[when("greeter.greeted")]
    #[when_not("app.running")]
    // The closure's flag and the workers' flags are beyond what the flag graph reads.
    #[sets("app.running", "app.worker.*")]
    fn start(unit: &mut Unit) -> Result<()> {
        mark_stale(unit); // a helper outside the module
        Workers::start(unit, &["blue", "green"])?; // an impl block, a pattern's flags
        nested::unstale(unit); // a nested module
        for flag in WATCHED {
            assert!(!unit.flags().is_set(flag)); // a loop over a const array
        }
        let set = |unit: &mut Unit, flag: Flag| unit.flags().set(flag); // a closure
        set(unit, flags::APP_RUNNING);
        // A `set_flag` of the author's own type takes what it likes: no false
        // rejection.
        let mut notes = Notes(Vec::new());
        notes.set_flag("not a charm flag");
        assert_eq!(notes.0, ["not a charm flag"]);
        // A flag of the layer of another crate, re-exported in this charm's `flags`.
        debug_assert!(unit.flags().is_set(flags::GREETER_GREETED));
        Ok(())
    }

    #[when("redis.available")]
    fn use_redis(unit: &mut Unit) -> Result<()> {
        // The interface is inferred from the endpoint: `Redis`, as metadata.yaml says.
        let redis = unit.endpoint(endpoints::REDIS).interface()?;
        unit.endpoint(endpoints::REDIS).publish("client", "voting");
        unit.status().active(format!("redis at {}", redis.host_list()))
    }

    // A condition may name a flag of a declared pattern.
    #[when("app.worker.blue")]
    fn blue_first(unit: &mut Unit) -> Result<()> {
        unit.log().info("blue worker up");
        Ok(())
    }

    #[when("endpoint.redis.changed.host")]
    fn redis_moved(unit: &mut Unit) -> Result<()> {
        unit.flags().set_value(flags::APP_STALE, "redis moved");
        Ok(())
    }

    struct Notes(Vec<String>);

    impl Notes {
        fn set_flag(&mut self, note: &str) {
            self.0.push(note.to_owned());
        }
    }

    mod nested {
        use super::flags;

        pub fn unstale(unit: &mut charm_core::Unit) {
            unit.flags().clear(flags::APP_STALE);
        }
    }
}

/// Flags watched outside the module, in a `const`.
const WATCHED: [Flag; 1] = [voting::flags::APP_STALE];

fn mark_stale(unit: &mut Unit) {
    unit.flags().set(voting::flags::APP_STALE);
}

struct Workers;

impl Workers {
    fn start(unit: &mut Unit, names: &[&str]) -> Result<()> {
        for name in names {
            unit.flags().set(&voting::flags::APP_WORKER.with(name)?);
        }
        Ok(())
    }
}

// ANCHOR_END: typed

fn main() {
    let fixtures = std::path::Path::new(file!()).with_file_name("../fixtures");
    let mut h = Harness::new(&voting::CHARM, &fixtures, "voting-app/0").unwrap();
    h.run("install").result.unwrap();
    assert!(h.is_flag_set(voting::flags::APP_RUNNING));
    assert!(h.is_flag_set(voting::flags::GREETER_GREETED));
    assert!(!h.is_flag_set(voting::flags::APP_STALE));
    let blue = voting::flags::APP_WORKER.with("blue").unwrap();
    assert!(h.is_flag_set(&blue));
    assert_eq!(blue.name(), "app.worker.blue");
    assert!(voting::flags::APP_WORKER.with("has space").is_err());
    assert!(
        h.logs("INFO")
            .iter()
            .any(|l| l.lines().any(|l| l == "blue worker up"))
    );

    let (_, outs) = h
        .relate(
            voting::endpoints::REDIS,
            "redis",
            &[("redis/0", &[("host", "10.1.2.3"), ("port", "6379")])],
        )
        .unwrap();
    outs.iter()
        .for_each(|o| o.result.as_ref().map(|_| ()).unwrap());
    assert_eq!(h.unit_status().message, "redis at 10.1.2.3");
    assert!(h.is_flag_set(voting::flags::APP_STALE));
    assert_eq!(voting::endpoints::REDIS.name(), "redis");
}

//! Custom interfaces: one from another crate (iface-mysql's `Mysql`), one defined here
//! (`Echo`), both registered with `interfaces(...)`, next to the built-in `redis`. Their
//! flags and `changed.<key>` are checked, their endpoints typed, and the harness raises
//! their flags from the remote data.

use charm_core::interfaces::FlagContext;
use charm_core::{Endpoint, Interface, Role};
use charm_testing::Harness;

/// The provides side of `echo`: `greeter.ready` once a remote unit asked for a `greeting`.
pub struct Echo {
    asked: bool,
}

#[charm_core::interface(name = "echo", provides(flags(ready), keys(greeting)))]
impl Interface for Echo {
    fn from_endpoint(endpoint: &Endpoint, _: &mut Vec<String>) -> Self {
        Echo {
            asked: endpoint.units().any(|(_, bag)| bag.contains_key("greeting")),
        }
    }

    fn is_set(&self, _ready: &str, _: &mut FlagContext<'_>) -> bool {
        self.asked
    }

    /// The leader also puts the `reply` in the application bag.
    fn app_keys(role: Role) -> &'static [&'static str] {
        match role {
            Role::Provides => &["reply"],
            _ => &[],
        }
    }
}

#[charm_core::charm(
    metadata = "../fixtures/custom/metadata.yaml",
    flags("wiki.greeted", "wiki.configured"),
    interfaces(mysql = iface_mysql::Mysql, echo = crate::Echo),
    allow(unread("wiki.greeted", "wiki.configured")),
)]
mod wiki {
    use charm_core::prelude::*;
    use iface_mysql::Mysql;

    #[when("db.available", "cache.available")]
    fn configure(unit: &mut Unit, db: &Mysql, cache: Redis) -> Result<()> {
        assert!(db.database().is_some() && !cache.hosts().is_empty());
        unit.flags().set(flags::WIKI_CONFIGURED);
        Ok(())
    }

    #[when("greeter.ready", "endpoint.greeter.changed.greeting")]
    fn greet(unit: &mut Unit, greeter: crate::Echo) -> Result<()> {
        let _ = greeter;
        unit.endpoint(endpoints::GREETER).publish("reply", "hello");
        unit.flags().set(flags::WIKI_GREETED);
        Ok(())
    }

    #[when("endpoint.db.changed.root_password")]
    fn rotated(unit: &mut Unit, db: Endpoint) -> Result<()> {
        let _ = (unit, db);
        Ok(())
    }
}

fn main() {
    let _: charm_core::EndpointName<iface_mysql::Mysql> = wiki::endpoints::DB;
    let _: charm_core::EndpointName<Echo> = wiki::endpoints::GREETER;
    let fixtures = std::path::Path::new(file!()).with_file_name("../fixtures/custom");
    let mut h = Harness::new(&wiki::CHARM, &fixtures, "wiki/0").unwrap();
    let mysql: &[(&str, &str)] = &[
        ("host", "10.0.0.4"),
        ("port", "3306"),
        ("user", "u"),
        ("password", "p"),
        ("database", "wiki"),
    ];
    h.relate(wiki::endpoints::DB, "mysql", &[("mysql/0", mysql)]).unwrap();
    let redis: &[(&str, &str)] = &[("host", "10.0.0.7"), ("port", "6379")];
    h.relate(wiki::endpoints::CACHE, "redis", &[("redis/0", redis)]).unwrap();
    assert!(h.is_flag_set(wiki::flags::WIKI_CONFIGURED));
    // A registered type's flags and keys are typed constants, as a built-in's are; one
    // defined in this crate (`crate::Echo`) as well as one from another crate.
    assert!(h.is_flag_set(wiki::flags::DB_AVAILABLE) && h.is_flag_set(wiki::flags::DB_CONNECTED));
    let _: charm_core::Flag = wiki::flags::ENDPOINT_DB_CHANGED_ROOT_PASSWORD;
    let _: charm_core::Flag = wiki::flags::ENDPOINT_GREETER_CHANGED_GREETING;
    assert!(!h.is_flag_set(wiki::flags::GREETER_READY));
    let (id, _) = h
        .relate(wiki::endpoints::GREETER, "client", &[("client/0", &[("greeting", "hi")])])
        .unwrap();
    assert!(h.is_flag_set(wiki::flags::WIKI_GREETED));
    // `Echo::app_keys`: the leader mirrored the unit bag's `reply` into the application bag.
    let app_reply = h.model().relations[&id].local_app_data.get("reply").cloned();
    assert_eq!(app_reply.as_deref(), Some("hello"));
    assert!(h.is_flag_set(wiki::flags::GREETER_READY));
}

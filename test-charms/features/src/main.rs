//! The feature test charm: see README.md.

#[charm_core::charm(
    flags("features.installed", "features.dumped", "features.exploded"),
    leader("cluster-token"),
    // Set by actions for the tests to see (kept, or rolled back with a failed action): no
    // handler waits for them.
    allow(unread("features.dumped", "features.exploded"))
)]
mod features {
    use charm_core::prelude::*;

    #[when_not("features.installed")]
    fn install(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::FEATURES_INSTALLED);
        unit.status().active("ready")?;
        Ok(())
    }

    #[when("config.changed.greeting")]
    fn greet(unit: &mut Unit) -> Result<()> {
        let greeting = unit.config()?.greeting;
        unit.kv().set("greeting", greeting)
    }

    // ANCHOR: action
    /// `juju run features/0 dump depth=2`: results nest by dotted key.
    #[action("dump")]
    fn dump(unit: &mut Unit, params: actions::Dump) -> Result<()> {
        unit.action()
            .log(format!("dumping at depth {}", params.depth))?;
        unit.action().set("dump.format", &params.format)?;
        unit.action().set("dump.depth", params.depth)?;
        if let Some(note) = &params.note {
            unit.action().set("note", note)?;
        }
        unit.flags().set(flags::FEATURES_DUMPED);
        Ok(())
    }

    /// `action-fail`: the action fails, the hook succeeds and its writes are kept.
    #[action("fail-me")]
    fn fail_me(unit: &mut Unit, params: actions::FailMe) -> Result<()> {
        unit.kv().set("last-failure", &params.reason)?;
        unit.action().fail(params.reason)
    }
    // ANCHOR_END: action

    /// An error fails the action with its message; its writes (a flag, a leader setting)
    /// are rolled back.
    #[action("explode")]
    fn explode(unit: &mut Unit) -> Result<()> {
        unit.flags().set(flags::FEATURES_EXPLODED);
        if unit.leader().is_leader()? {
            unit.leader().set(leader::CLUSTER_TOKEN, "exploded")?;
        }
        Err(Error::msg("boom: the disk is full"))
    }

    /// A leader-only write from an action: refused on a follower.
    #[action("rotate-token")]
    fn rotate_token(unit: &mut Unit) -> Result<()> {
        unit.leader().set(leader::CLUSTER_TOKEN, "token-2")
    }

    /// Leader-only: the application bag of the peer relation.
    #[action("set-members")]
    fn set_members(unit: &mut Unit, params: actions::SetMembers) -> Result<()> {
        unit.endpoint(endpoints::CLUSTER)
            .publish_app("members", params.count.to_string())
    }

    // ANCHOR: leadership
    /// The leader makes the cluster's token once; layer-leadership's flags tell it.
    #[when("leadership.is_leader")]
    #[when_not("leadership.set.cluster-token")]
    fn make_token(unit: &mut Unit) -> Result<()> {
        unit.leader().set(leader::CLUSTER_TOKEN, "token-1")
    }

    /// Every unit (the leader in the same hook, followers in leader-settings-changed).
    #[when("leadership.changed.cluster-token")]
    fn store_token(unit: &mut Unit) -> Result<()> {
        let token = unit.leader().get(leader::CLUSTER_TOKEN)?;
        unit.kv().set("token", token)
    }
    // ANCHOR_END: leadership

    // ANCHOR: peers
    /// Each unit publishes its own address to its peers; the leader publishes the
    /// membership in the application bag.
    #[when("endpoint.cluster.joined")]
    fn publish_peer(unit: &mut Unit) -> Result<()> {
        let name = unit.name().to_owned();
        unit.endpoint(endpoints::CLUSTER)
            .publish("address", format!("addr-of-{name}"));
        if unit.leader().is_leader()? {
            let peers = unit.endpoint(endpoints::CLUSTER).units().len();
            unit.endpoint(endpoints::CLUSTER)
                .publish_app("members", (peers + 1).to_string())?;
        }
        Ok(())
    }

    /// What the peers published, and the application bag, read typed.
    #[when("endpoint.cluster.changed")]
    fn read_peers(unit: &mut Unit) -> Result<()> {
        let addresses: Vec<String> = unit
            .endpoint(endpoints::CLUSTER)
            .units()
            .into_iter()
            .filter_map(|(_, bag)| bag.get("address").cloned())
            .collect();
        let members = unit
            .endpoint(endpoints::CLUSTER)
            .app_data()
            .and_then(|bag| bag.get("members").cloned());
        unit.kv().set("peer-addresses", addresses)?;
        unit.kv().set("members", members)?;
        unit.flags().clear(flags::ENDPOINT_CLUSTER_CHANGED);
        Ok(())
    }
    // ANCHOR_END: peers

    // Secrets, storage, resources, goal-state and the Juju version (issue 12 items 2, 3, 7;
    // `test-charms/contract` uses each in depth).

    /// Storage typed from metadata.yaml: `storage::DATA`, `storage.data.attached`.
    #[when("storage.data.attached")]
    fn use_storage(unit: &mut Unit) -> Result<()> {
        if let Some(dir) = unit.storage().location(storage::DATA)? {
            unit.kv().set("data-dir", dir.display().to_string())?;
        }
        Ok(())
    }

    /// The leader keeps one application secret; every unit reports the goal state, the Juju
    /// version and whether the payload resource is there.
    #[hook("update-status")]
    fn report(unit: &mut Unit) -> Result<()> {
        if unit.leader().is_leader()? && unit.kv().get::<String>("secret").is_none() {
            let content = SecretContent::new().with("token", "features-s3cret")?;
            let id = unit.secrets().add(&content)?;
            unit.kv().set("secret", id.as_str())?;
        }
        let expected = unit.goal_state()?.expected_units();
        let version = unit.juju_version()?;
        let payload = unit.resources().path(Resource::new("payload")).is_ok();
        unit.status().active(format!(
            "{expected} unit(s), Juju {version}, payload {payload}"
        ))
    }
}

fn main() -> std::process::ExitCode {
    features::CHARM.main()
}

#[cfg(test)]
mod harness_tests;

#[cfg(test)]
mod contract_tests;

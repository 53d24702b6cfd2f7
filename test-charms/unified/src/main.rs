//! A charm whose metadata.yaml and config.yaml are sections of one charmcraft.yaml: the
//! macros read its endpoints (`website`) and its typed config (`port`) from there.

#[charm_core::charm(flags("unified.ready"))]
mod unified {
    use charm_core::prelude::*;

    /// Opens the configured port once the website relation is joined.
    #[when("endpoint.website.joined")]
    #[when_not("unified.ready")]
    fn ready(unit: &mut Unit) -> Result<()> {
        let port = unit.config()?.port;
        let port =
            u16::try_from(port).map_err(|_| Error::msg(format!("port {port} is out of range")))?;
        unit.ports().open(port);
        unit.flags().set(flags::UNIFIED_READY);
        unit.status().active("ready")
    }
}

fn main() -> std::process::ExitCode {
    unified::CHARM.main()
}

#[cfg(test)]
mod tests {
    use charm_testing::Harness;

    #[test]
    fn endpoint_and_config_come_from_charmcraft_yaml() {
        let mut h = Harness::new(
            &super::unified::CHARM,
            env!("CARGO_MANIFEST_DIR"),
            "unified/0",
        )
        .unwrap();
        h.set_config("port", "9000").unwrap();
        h.run("install").result.unwrap();
        assert!(h.opened_ports().is_empty());
        let (_, outputs) = h.relate("website", "client", &[("client/0", &[])]).unwrap();
        for out in outputs {
            out.result.unwrap();
        }
        assert_eq!(h.opened_ports(), ["9000/tcp"]);
        assert!(h.flags().contains(&"unified.ready".to_owned()));
    }
}

//! The `#[interface]` example of charm-macros' documentation, verbatim (see
//! doc_example_attributes.rs; doc-check holds the two in sync).

use charm_core::{Endpoint, Interface, interfaces::FlagContext};
pub struct Echo { joined: bool }

#[charm_core::interface(name = "echo", requires(flags(ready), keys(greeting)))]
impl Interface for Echo {
    fn from_endpoint(endpoint: &Endpoint, _: &mut Vec<String>) -> Self {
        Echo { joined: endpoint.is_joined() }
    }
    fn is_set(&self, _flag: &str, _: &mut FlagContext<'_>) -> bool {
        self.joined
    }
}

fn main() {
    assert_eq!(Echo::REQUIRES.keys, Some(&["greeting"][..]));
    assert_eq!(Echo::INTERFACE, "echo");
    assert_eq!(Echo::REQUIRES.flags, &["ready"]);
    let endpoint = Endpoint::new("echo", "echo");
    assert!(!Echo::from_endpoint(&endpoint, &mut Vec::new()).joined);
}

// Handler attributes go on functions.
use charm_core::prelude::*;

#[hook("install")]
struct Installer;

fn main() {}

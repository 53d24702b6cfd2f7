#!/usr/bin/env bash
# "Your first charm" (book/src/tutorial/first-charm.md) as one script: the page shows its
# blocks through {{#include}} and cargo-charm/tests/tutorial.rs runs them in order, so the page
# and the test cannot drift. Run it from an empty directory:
#   bash <framework>/book/src/tutorial/first-charm.sh
set -euo pipefail

# ANCHOR: settings
# The framework checkout (this script's), and a free port on this machine.
framework=${FRAMEWORK:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
port=${PORT:-8080}
# ANCHOR_END: settings

# ANCHOR: install
cargo install --locked --path "$framework/cargo-charm"
cargo install --locked --path "$framework/charm-emulator"
# ANCHOR_END: install

# ANCHOR: new
cargo charm new my-web --docker
cd my-web
# The versions the framework is tested with (optional: saves a resolve and a rebuild).
cp "$framework/Cargo.lock" .
# ANCHOR_END: new

# ANCHOR: test
cargo test
# ANCHOR_END: test

# ANCHOR: check
cargo charm check
# ANCHOR_END: check

# ANCHOR: pack
cargo charm pack
ls -l my-web.charm
# ANCHOR_END: pack

# ANCHOR: images
"$framework/scripts/build-test-images.sh"
# ANCHOR_END: images

# ANCHOR: deploy
cargo charm deploy --config image=charm-test/vote-demo:latest --config port="$port"
curl -fsS "http://127.0.0.1:$port/"
# ANCHOR_END: deploy

# ANCHOR: config
cargo charm config greeting=Bonjour
cargo charm status
# ANCHOR_END: config

# ANCHOR: remove
cargo charm remove
# ANCHOR_END: remove

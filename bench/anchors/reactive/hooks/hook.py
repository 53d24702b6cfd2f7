# The hook of a reactive charm as `charm build` writes it with layer-basic: config flags at
# start and their clearing at a successful end, then charms.reactive's main(). The bench
# writes the interpreter line (its venv's python) when it lays out the charm.
import os
import sys

sys.path.insert(0, os.path.join(os.getcwd(), "lib"))

from charms.layer import basic  # noqa: E402
from charmhelpers.core import hookenv  # noqa: E402

hookenv.atstart(basic.init_config_states)
hookenv.atexit(basic.clear_config_states)

from charms.reactive import main  # noqa: E402

main()

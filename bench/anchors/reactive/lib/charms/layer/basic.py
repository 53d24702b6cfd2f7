# layer-basic's config flags, as its lib/charms/layer/basic.py behaves: at hook start
# config.changed[.<opt>] for changed options, config.set.<opt> and config.default.<opt>; at a
# successful hook's end every config flag cleared and the unit data flushed.
import os

import yaml


def init_config_states():
    from charmhelpers.core import hookenv
    from charms.reactive import set_flag, toggle_flag

    config = hookenv.config()
    options = {}
    path = os.path.join(hookenv.charm_dir(), "config.yaml")
    if os.path.exists(path):
        with open(path) as f:
            options = (yaml.safe_load(f) or {}).get("options", {}) or {}
    for name, spec in options.items():
        if config.changed(name):
            set_flag("config.changed")
            set_flag("config.changed.%s" % name)
        toggle_flag("config.set.%s" % name, config.get(name))
        toggle_flag("config.default.%s" % name, config.get(name) == spec.get("default"))


def clear_config_states():
    from charmhelpers.core import hookenv, unitdata
    from charms.reactive import clear_flag

    config = hookenv.config()
    clear_flag("config.changed")
    for name in config.keys():
        for family in ("changed", "set", "default"):
            clear_flag("config.%s.%s" % (family, name))
    config.save()
    unitdata.kv().flush()

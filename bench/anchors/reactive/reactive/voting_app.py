# The seed article's reactive/voting_app.py (layer-docker deep dive), with the option names
# this project's config.yaml uses (vote-port, ...). Rendering writes the compose file from a
# small template as the article's Jinja one does.
import os

from charmhelpers.core.hookenv import close_port, config, open_port, status_set
from charms.docker import Compose
from charms.reactive import remove_state, set_state, when, when_any, when_not

TEMPLATE = """version: "2"
services:
  vote:
    image: {vote-image}
    ports: ["{vote-port}:80"]
  redis:
    image: {redis-image}
  worker:
    image: {worker-image}
    environment: {environment}
  db:
    image: {postgres-image}
  result:
    image: {result-image}
    ports: ["{result-port}:80"]
"""


def render(context):
    os.makedirs("files/voting-app", exist_ok=True)
    env = []
    if context.get("redis_host"):
        env.append("REDIS_HOST=%s" % context["redis_host"])
    for key in ("pg_host", "pg_user", "pg_pass", "pg_db"):
        if context.get(key):
            env.append("%s=%s" % (key.upper(), context[key]))
    values = dict(context)
    values["environment"] = repr(env)
    with open("files/voting-app/docker-compose.yml", "w") as f:
        f.write(TEMPLATE.format(**values))


def start_application():
    compose = Compose("files/voting-app")
    compose.up()
    open_port(config("vote-port"))
    open_port(config("result-port"))


@when("docker.available")
@when_not("voting-app.standalone.running")
@when_not("block_standalone")
def launch_standalone_formation():
    render(config())
    start_application()
    set_state("voting-app.standalone.running")
    status_set("active", "Ready to vote!")


@when_any("config.changed.vote-port", "config.changed.result-port")
def recycle_networking_and_app():
    status_set("maintenance", "Re-configuring port bindings.")
    cfg = config()
    if cfg.previous("vote-port"):
        close_port(cfg.previous("vote-port"))
    if cfg.previous("result-port"):
        close_port(cfg.previous("result-port"))
    remove_state("voting-app.standalone.running")
    remove_state("voting-app.running")


@when("docker.available", "redis.available")
@when_not("postgres.connected", "voting-app.running")
def replace_redis_container(redis):
    set_state("block_standalone")
    status_set("maintenance", "Configuring charm for external Redis.")
    hosts = [unit["host"] for unit in redis.redis_data()]
    context = dict(config())
    context["redis_host"] = ",".join(hosts)
    render(context)
    start_application()
    status_set("active", "Ready to vote!")
    set_state("voting-app.running")


@when("postgres.database.available")
@when_not("redis.connected", "voting-app.running")
def replace_postgres_container(postgres):
    set_state("block_standalone")
    status_set("maintenance", "Configuring charm for external Postgres.")
    context = dict(config())
    context.update(postgres.pgdata())
    render(context)
    start_application()
    status_set("active", "Ready to vote!")
    set_state("voting-app.running")


@when("docker.available", "postgres.database.available", "redis.available")
@when_not("voting-app.running")
def run_with_external_services(postgres, redis):
    set_state("block_standalone")
    context = dict(config())
    context["redis_host"] = ",".join(unit["host"] for unit in redis.redis_data())
    context.update(postgres.pgdata())
    render(context)
    start_application()
    status_set("active", "Ready to vote!")
    set_state("voting-app.running")

# The seed article's voting-app handlers as an ops 3.9 charm. The bench writes the
# interpreter line (its venv's python) when it lays out the charm.
import os
import subprocess

import ops

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


class Compose:
    """A stand-in for charms.docker's Compose: records the call, talks to no engine."""

    def __init__(self, workspace):
        self.workspace = workspace

    def up(self):
        with open(os.path.join(self.workspace, ".up"), "a") as f:
            f.write("up\n")


class VotingAppCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(running=False, ports=[], formation="")
        for event in (self.on.install, self.on.config_changed, self.on.start,
                      self.on.upgrade_charm, self.on.leader_elected,
                      self.on.redis_relation_changed, self.on.redis_relation_departed,
                      self.on.redis_relation_broken, self.on.postgres_relation_changed,
                      self.on.postgres_relation_broken):
            framework.observe(event, self._converge)
        framework.observe(self.on.update_status, self._check_containers)
        framework.observe(self.on.leader_settings_changed, self._update_status)
        framework.observe(self.on.postgres_relation_joined, self._ask_database)

    def _ask_database(self, event):
        event.relation.data[self.unit]["database"] = "voting_app"

    def _redis_hosts(self):
        hosts = []
        for relation in self.model.relations["redis"]:
            for unit in relation.units:
                data = relation.data[unit]
                if data.get("host") and data.get("port"):
                    hosts.append(data["host"])
        return hosts

    def _postgres(self):
        for relation in self.model.relations["postgres"]:
            for unit in relation.units:
                data = relation.data[unit]
                if data.get("master"):
                    return {"pg_host": data.get("host"), "pg_user": data.get("user"),
                            "pg_pass": data.get("password"), "pg_db": data.get("database")}
        return None

    def _converge(self, event):
        config = dict(self.config)
        ports = [config["vote-port"], config["result-port"]]
        hosts = self._redis_hosts()
        pg = self._postgres()
        context = dict(config)
        env = []
        if hosts:
            context["redis_host"] = ",".join(hosts)
            env.append("REDIS_HOST=%s" % context["redis_host"])
        if pg:
            env += ["%s=%s" % (k.upper(), v) for k, v in pg.items() if v]
        formation = repr((hosts, pg, ports, sorted(config.items())))
        if self._stored.running and self._stored.formation == formation:
            return  # the seed's idempotency flags: nothing changed
        self.unit.status = ops.MaintenanceStatus("Configuring the formation")
        for port in self._stored.ports:
            if port not in ports:
                self.unit.close_port("tcp", port)
        context["environment"] = repr(env)
        os.makedirs("files/voting-app", exist_ok=True)
        with open("files/voting-app/docker-compose.yml", "w") as f:
            f.write(TEMPLATE.format(**context))
        Compose("files/voting-app").up()
        for port in ports:
            self.unit.open_port("tcp", port)
        self._stored.ports = ports
        self._stored.formation = formation
        self._stored.running = True
        self.unit.status = ops.ActiveStatus("Ready to vote!")

    def _update_status(self, event):
        pass

    def _check_containers(self, event):
        # What the Rust charm's update-status asks the engine (each container of the project
        # and its state), through the docker CLI. The stand-in Compose starts no container, so
        # this lists none and inspects nothing.
        project = self.app.name
        ids = subprocess.run(
            ["docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        if ids:
            subprocess.run(["docker", "inspect"] + ids, capture_output=True, check=True)


if __name__ == "__main__":
    ops.main(VotingAppCharm)

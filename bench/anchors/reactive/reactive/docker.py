# Stands in for layer-docker: Docker is "installed" at once.
import os
import subprocess

from charms.reactive import hook, set_state, when_not


@when_not("docker.available")
def install_docker():
    set_state("docker.available")


@hook("update-status")
def check_containers():
    # What the Rust charm's update-status asks the engine (each container of the project and
    # its state), done the layer-docker way: the docker CLI. The stand-in Compose starts no
    # container, so this lists none and inspects nothing.
    project = os.environ["JUJU_UNIT_NAME"].split("/")[0]
    ids = subprocess.run(
        ["docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    if ids:
        subprocess.run(["docker", "inspect"] + ids, capture_output=True, check=True)

# Stands in for layer-docker: Docker is "installed" at once.
from charms.reactive import set_state, when_not


@when_not("docker.available")
def install_docker():
    set_state("docker.available")

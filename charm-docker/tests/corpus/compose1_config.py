"""What `docker-compose -f FILE config -q` decides for each FILE, in one process.

Run with the python of docker-compose 1.29.2's venv (scripts/venv-compose.sh). For each path
given (one per line on stdin) it does what 1.29's `config -q` does (compose/cli/main.py
TopLevelCommand.config -> command.get_config_from_options: Environment.from_env_file of the
project directory, config.find, config.load with interpolation), in the file's directory
and with an empty process environment, and prints one JSON line: {"ok": true} or
{"error": "..."}. Starting docker-compose once per file costs about a second each; this
costs milliseconds.
"""
import json
import os
import sys

os.environ.clear()

from compose.config import config  # noqa: E402
from compose.config.environment import Environment  # noqa: E402

for line in sys.stdin:
    path = line.rstrip("\n")
    if not path:
        continue
    directory, name = os.path.split(path)
    try:
        os.chdir(directory)
        environment = Environment.from_env_file(".", None)
        config.load(config.find(".", [name], environment, None), True)
        result = {"ok": True}
    except Exception as err:  # every refusal, whatever its type, is a refusal
        result = {"error": "%s: %s" % (type(err).__name__, err)}
    print(json.dumps(result), flush=True)

"""Stand-in for ansible-test's get-pip bootstrap script, whose download host this machine cannot
reach: seed pip from the interpreter's own ensurepip, then install the pip version asked for
from the package index as usual."""

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}

# ensurepip points PIP_CONFIG_FILE at /dev/null in this process; pip must see the real config.
environment = dict(os.environ)
ensurepip.bootstrap(upgrade=True)
arguments = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade", *arguments], env=environment))

"""What every real ansible-playbook run of the tests and of the benchmark (bench/) needs: this collection built
and installed as a user installs it, an environment that reaches nothing but the emulator, and a play that dumps
the results it registers."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import run_processes

REPO = Path(__file__).resolve().parents[2]


def install_collection(work: Path) -> Path:
    """Build the collection tarball in work and install it there, as a user would; the collections path."""
    subprocess.run(["ansible-galaxy", "collection", "build", "--output-path", str(work), str(REPO)],
                   check=True, capture_output=True, text=True)
    tarball = next(work.glob("alibabacloud-sas-*.tar.gz"))
    installed = work / "collections"
    subprocess.run(["ansible-galaxy", "collection", "install", "--offline", "-p", str(installed), str(tarball)],
                   check=True, capture_output=True, text=True)
    return installed


def base_env(home: Path, collections: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.lower().endswith("_proxy") and not key.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update({
        "HOME": str(home),
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        # No test may reach the ECS metadata service through the SDK's default chain.
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        # Every process a test starts carries it and passes it on: no_process_left finds them by it.
        run_processes.MARKER: run_processes.RUN_ID,
    })
    return env


def play(tasks: list, group_defaults: dict, registers: list, out: Path) -> list:
    """A localhost play of tasks, with group_defaults for the collection's modules; after the tasks, every result
    named in registers is written to out as one JSON object (null for a task that did not run)."""
    dump = {"ansible.builtin.copy": {
        "content": "{{ {%s} | to_json }}" % ", ".join(
            "'%s': (%s | default(None))" % (name, name) for name in registers),
        "dest": str(out)}, "name": "dump registered results", "check_mode": False}
    return [{
        "name": "e2e", "hosts": "localhost", "gather_facts": False, "connection": "local",
        "module_defaults": {"group/alibabacloud.sas.sas": group_defaults} if group_defaults else {},
        "tasks": list(tasks) + ([dump] if registers else []),
    }]

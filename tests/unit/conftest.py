# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the collection importable as ansible_collections.alibabacloud.sas in unit tests.

The repository root is the collection; build/collections/ansible_collections/alibabacloud/sas
is a symlink to it (build/ is git-ignored) and build/collections goes first on sys.path.
"""

from __future__ import annotations

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_DIR = os.path.join(REPO_ROOT, "build", "collections")
COLLECTION_LINK = os.path.join(COLLECTIONS_DIR, "ansible_collections", "alibabacloud", "sas")


def _ensure_collection_link() -> None:
    if not os.path.lexists(COLLECTION_LINK):
        os.makedirs(os.path.dirname(COLLECTION_LINK), exist_ok=True)
        try:
            os.symlink(os.path.relpath(REPO_ROOT, os.path.dirname(COLLECTION_LINK)), COLLECTION_LINK)
        except FileExistsError:  # created meanwhile by a parallel run
            pass
    if os.path.realpath(COLLECTION_LINK) != os.path.realpath(REPO_ROOT):
        raise RuntimeError(f"{COLLECTION_LINK} does not point to {REPO_ROOT}: remove it and run the tests again")


_ensure_collection_link()
if COLLECTIONS_DIR not in sys.path:
    sys.path.insert(0, COLLECTIONS_DIR)


import contextlib  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def no_proxy(monkeypatch):
    """The SDK ignores NO_PROXY: a proxy in the environment would carry loopback calls away."""
    from sas_emulator.testing import PROXY_VARIABLES

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sas(no_proxy):
    """The SAS emulator in process, with a real SasConnection to it (emulated_sas.py, next to this file):
    40 alerts of seed 7, tasks that finish at once, no quota."""
    from emulated_sas import emulated_sas

    with emulated_sas() as emulator:
        yield emulator


@pytest.fixture
def start_sas(no_proxy):
    """start_sas(**options) -> another EmulatedSas (emulated_sas() options), stopped after the test."""
    from emulated_sas import emulated_sas

    with contextlib.ExitStack() as stack:
        yield lambda **options: stack.enter_context(emulated_sas(**options))


@pytest.fixture
def module_env(monkeypatch, tmp_path):
    """What a module run by ansible-playbook sees with no Alibaba Cloud variable set: none of them in
    the environment, and a HOME without an aliyun CLI config file."""
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))

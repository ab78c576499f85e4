# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A triage policy file read as data, never as Ansible variables.

The file is read from the path as given (a relative one against the working directory, never a
collection's or a playbook's directory), parsed by a safe YAML loader, and nothing in it is templated:
a rule named {{ lookup('pipe', ...) }} is a strange name, not a command. It may set the policy's own
key and nothing else, so it cannot reach sas_triage_confirm, the connection or the report paths.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from typing import Any, Dict, List, NamedTuple, Optional

import yaml

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import PolicyError

RULES_KEY = "sas_triage_rules"
POLICY_KEYS = (RULES_KEY,)
MAX_BYTES = 1024 * 1024  # a policy of a thousand rules is a few hundred KiB
# Anchors and aliases are fine, but a few of them can stand for billions of values ("billion laughs").
MAX_VALUES = 100_000


class PolicyFile(NamedTuple):
    """The rules as the file holds them (not yet checked), where they came from and the file's digest."""

    rules: List[Any]
    path: str
    sha256: str


def resolve(path: str, cwd: Optional[str] = None) -> str:
    """The absolute path: ~ expanded, a relative path taken from the working directory."""
    return os.path.normpath(os.path.join(cwd or os.getcwd(), os.path.expanduser(path)))


def read_policy_file(path: Any, cwd: Optional[str] = None) -> PolicyFile:
    """The file's rules, or PolicyError saying what is wrong with the file and what would be valid."""
    if not isinstance(path, str) or not path.strip():
        raise PolicyError("sas_triage_policy_file must be the path of a YAML file, got %r" % (path,))
    where = resolve(path, cwd)
    raw = _read(where, cwd or os.getcwd())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError("policy file %s is not UTF-8 text (byte %d): save it as UTF-8" % (where, exc.start)) from None
    data = _load(where, text)
    if not isinstance(data, dict):
        raise PolicyError("policy file %s must be a mapping with the key %s (a list of rules), got %s"
                          % (where, RULES_KEY, "an empty file" if data is None else type(data).__name__))
    unknown = [key for key in data if key not in POLICY_KEYS]
    if unknown:
        raise PolicyError("policy file %s: unknown key %s%s; a policy file sets only %s (the role's other variables "
                          "belong to the play or the job, not to the policy)"
                          % (where, ", ".join(repr(key) for key in unknown), _did_you_mean(unknown[0]),
                             ", ".join(POLICY_KEYS)))
    rules = data.get(RULES_KEY)
    if not isinstance(rules, list) or not rules:
        raise PolicyError("policy file %s: %s must be a non-empty list of rules, got %s"
                          % (where, RULES_KEY, _shown(rules)))
    return PolicyFile(rules, where, hashlib.sha256(raw).hexdigest())


def _read(where: str, cwd: str) -> bytes:
    # O_NONBLOCK: a FIFO planted at the path must not hang the run before the regular-file check.
    try:
        fd = os.open(where, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise PolicyError("policy file %s cannot be read: %s" % (where, _why(exc, cwd))) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise PolicyError("policy file %s is %s, not a regular file: give the path of a YAML file"
                              % (where, "a directory" if stat.S_ISDIR(mode) else "a device, FIFO or socket"))
        with os.fdopen(os.dup(fd), "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise PolicyError("policy file %s is more than the %d bytes a policy may have" % (where, MAX_BYTES))
    return raw


def _why(exc: OSError, cwd: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file (a relative path is taken from the directory ansible-playbook runs in, %s)" % cwd
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


class _Loader(yaml.SafeLoader):
    """YAML's safe loader: plain data only (no Python objects, no Ansible tags)."""


def _load(where: str, text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(where, node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise PolicyError("policy file %s is not valid YAML: %s" % (where, " ".join(str(exc).split()))) from None
    except RecursionError:
        raise PolicyError("policy file %s is nested too deeply to be a policy" % where) from None
    finally:
        loader.dispose()


def _check_nodes(where: str, root: yaml.Node) -> None:
    """Refuse repeated keys (YAML would keep the last silently) and aliases that expand too far."""
    sizes: Dict[int, int] = {}

    def size(node: yaml.Node, path: tuple) -> int:
        if id(node) in path:
            raise PolicyError("policy file %s: an alias refers to a value that holds it (line %d)"
                              % (where, node.start_mark.line + 1))
        if id(node) not in sizes:
            if isinstance(node, yaml.MappingNode):
                _no_repeated_keys(where, node)
                children = [child for pair in node.value for child in pair]
            else:
                children = node.value if isinstance(node, yaml.SequenceNode) else []
            sizes[id(node)] = 1 + sum(size(child, path + (id(node),)) for child in children)
        return sizes[id(node)]

    total = size(root, ())
    if total > MAX_VALUES:
        raise PolicyError("policy file %s stands for %d values once its aliases are expanded, more than the %d a "
                          "policy may have" % (where, total, MAX_VALUES))


def _no_repeated_keys(where: str, node: yaml.MappingNode) -> None:
    seen: Dict[str, int] = {}
    for key, _value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            line = key.start_mark.line + 1
            if key.value in seen:
                raise PolicyError("policy file %s: key %r appears twice in one mapping (lines %d and %d); YAML would "
                                  "keep only the last" % (where, key.value, seen[key.value], line))
            seen[key.value] = line


def _did_you_mean(word: Any) -> str:
    close = difflib.get_close_matches(str(word), POLICY_KEYS, n=1, cutoff=0.85)
    return " (did you mean %s?)" % close[0] if close else ""


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "an empty list"
    return type(value).__name__

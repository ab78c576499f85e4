# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every EXAMPLES block of the collection can be pasted into a play as it is, and every doc renders.

Each module's and filter's EXAMPLES is a YAML list of tasks; each task calls one module by its FQCN, and every
variable its templates and conditionals use is defined before it: by an earlier task (register, set_fact), by
vars of the task or of an enclosing block, by its loop, or by Ansible itself (magic variables, template globals).
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import ansible
import pytest
import yaml
from ansible.playbook.block import Block
from ansible.playbook.task import Task
from ansible.vars.reserved import is_reserved_name
from jinja2 import Environment, meta, nodes

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
MODULE_FILES = sorted(path for path in (PLUGINS / "modules").glob("*.py") if path.stem != "__init__")
FILTER_FILES = sorted(path for path in (PLUGINS / "filter").glob("*.py") if path.stem != "__init__")
PLUGIN_FILES = MODULE_FILES + FILTER_FILES
COLLECTION = "alibabacloud.sas."
FQCN_PREFIXES = (COLLECTION, "ansible.builtin.")
BUILTIN_MODULES = Path(ansible.__file__).parent / "modules"

TASK_KEYWORDS = frozenset(Task.fattributes)
BLOCK_KEYWORDS = frozenset(Block.fattributes)
BLOCK_SECTIONS = ("block", "rescue", "always")
# Conditionals: bare Jinja expressions, evaluated with the task's own result for the last three.
CONDITIONALS = ("when", "until", "failed_when", "changed_when")
AFTER_RESULT = ("until", "failed_when", "changed_when")


class AnyPlugin(dict):
    """Filters or tests by name, where any name is one: Jinja's compiler, which finds the variables a template
    needs, looks every filter and test up; Ansible's (dotted, FQCN) names are not in a plain Environment."""

    def __contains__(self, name):
        return True

    def __getitem__(self, name):
        return super().get(name, self.any_plugin)

    def get(self, name, default=None):
        return self[name]

    @staticmethod
    def any_plugin(*args, **kwargs):
        return None


# Plain Jinja parses Ansible's templates (dotted filter and test names included); the names below are
# defined whatever the play: Jinja's and Ansible's template globals and Ansible's magic variables.
JINJA = Environment()
JINJA.filters = AnyPlugin(JINJA.filters)
JINJA.tests = AnyPlugin(JINJA.tests)
ALWAYS_DEFINED = frozenset(JINJA.globals) | frozenset((
    "now", "undef", "omit", "lookup", "query", "q",
    "inventory_hostname", "inventory_hostname_short", "ansible_check_mode", "ansible_diff_mode", "hostvars",
    "groups", "group_names", "play_hosts", "ansible_play_hosts", "ansible_play_hosts_all", "ansible_play_batch",
    "ansible_play_name", "ansible_version", "playbook_dir", "role_path", "role_name", "ansible_config_file",
))
RESCUE_DEFINED = frozenset(("ansible_failed_task", "ansible_failed_result"))
# A name used only as `name | default(...)` or `name is defined` is guarded: the task runs without it.
GUARD_FILTERS = frozenset(("default", "d", "ansible.builtin.default"))
GUARD_TESTS = frozenset(("defined", "undefined", "ansible.builtin.defined", "ansible.builtin.undefined"))


def doc_strings(path: Path) -> dict:
    """DOCUMENTATION, EXAMPLES and RETURN of a plugin file, read without importing it."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
                    found[target.id] = node.value.value
    return found


def fqcn(path: Path) -> str:
    return COLLECTION + path.stem


def plugin_id(path: Path) -> str:
    return "%s/%s" % (path.parent.name, path.stem)


COLLECTION_FILTERS = frozenset(path.stem for path in FILTER_FILES)


def fragment_options(name: str) -> dict:
    """The options of a doc fragment of this collection, alibabacloud.sas.<file>[.<attribute>]."""
    assert name.startswith(COLLECTION), name
    file, dummy, attribute = name[len(COLLECTION):].partition(".")
    fragment = importlib.import_module("ansible_collections.alibabacloud.sas.plugins.doc_fragments." + file)
    text = getattr(fragment.ModuleDocFragment, (attribute or "documentation").upper())
    return yaml.safe_load(text).get("options") or {}


def module_options(path: Path) -> dict:
    """Every option of a module of this collection, its doc fragments' included."""
    doc = yaml.safe_load(doc_strings(path)["DOCUMENTATION"])
    options = dict(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        options.update(fragment_options(fragment))
    return options


# --- Jinja -------------------------------------------------------------------------------------------------

def template_names(text: str) -> tuple:
    """(names a template needs from outside, filter and test names it uses)."""
    tree = JINJA.parse(text)
    undeclared = meta.find_undeclared_variables(tree)
    guarded = set()
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        guards = GUARD_FILTERS if isinstance(node, nodes.Filter) else GUARD_TESTS
        if node.name in guards and isinstance(node.node, nodes.Name):
            guarded.add(id(node.node))
    unguarded = {name.name for name in tree.find_all(nodes.Name) if name.ctx == "load" and id(name) not in guarded}
    plugins = {node.name for node in tree.find_all((nodes.Filter, nodes.Test))}
    return undeclared & unguarded, plugins


def strings_in(value):
    """Every string in a YAML value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def conditional_strings(value):
    """The expressions of a conditional keyword (a string, a list of them, or a bool)."""
    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, str):
            yield text


# --- walking the tasks ---------------------------------------------------------------------------------------

class ExampleChecker:
    """Walks one EXAMPLES block in order, keeping what is defined so far, and collects the problems."""

    def __init__(self, path: Path):
        self.path = path
        self.defined: set = set()  # registered results and facts, for every later task
        self.problems: list = []
        self.modules: set = set()
        self.filters: set = set()

    def problem(self, task: dict, message: str) -> None:
        self.problems.append("%s: task %r: %s" % (plugin_id(self.path), task.get("name"), message))

    def check_templates(self, task: dict, texts, scope: set, what: str, bare: bool = False) -> None:
        for text in texts:
            if bare:
                if "{{" in text or "{%" in text:
                    self.problem(task, "%s is a bare expression, without {{ }}: %r" % (what, text))
                    continue
                text = "{{ %s }}" % text
            elif "{{" not in text and "{%" not in text:
                continue
            try:
                needed, plugins = template_names(text)
            except Exception as exc:  # a Jinja syntax error
                self.problem(task, "%s does not parse as Jinja (%s): %r" % (what, exc, text))
                continue
            self.filters |= plugins
            short = sorted(name for name in plugins if name in COLLECTION_FILTERS)
            if short:
                self.problem(task, "%s calls %s without its FQCN (%s...)" % (what, short, COLLECTION))
            missing = sorted(needed - scope - ALWAYS_DEFINED)
            if missing:
                self.problem(task, "%s uses %s, which no earlier task (register, set_fact), vars or loop "
                                   "defines: %r" % (what, ", ".join(missing), text))

    def walk(self, tasks, enclosing: set, where: str = "EXAMPLES") -> None:
        if not isinstance(tasks, list) or not tasks:
            self.problems.append("%s: %s is not a non-empty list of tasks" % (plugin_id(self.path), where))
            return
        for task in tasks:
            if not isinstance(task, dict):
                self.problems.append("%s: %s holds %r, not a task" % (plugin_id(self.path), where, task))
            elif "block" in task:
                self.walk_block(task, enclosing)
            else:
                self.walk_task(task, enclosing)

    def task_vars(self, task: dict) -> set:
        names = task.get("vars") or {}
        if not isinstance(names, dict):
            self.problem(task, "vars is not a mapping")
            return set()
        self.check_names(task, names, "vars")
        return set(names)

    def check_names(self, task: dict, names, what: str) -> None:
        """Variables an example defines: Ansible warns about (and may ignore) its reserved names."""
        reserved = sorted(name for name in names if is_reserved_name(name))
        if reserved:
            self.problem(task, "%s defines %s, reserved by Ansible" % (what, ", ".join(reserved)))

    def walk_block(self, block: dict, enclosing: set) -> None:
        if not block.get("name"):
            self.problem(block, "the block has no name")
        unknown = sorted(set(block) - BLOCK_KEYWORDS)
        if unknown:
            self.problem(block, "a block does not take %s" % unknown)
        scope = enclosing | self.task_vars(block)
        for key, value in block.items():
            if key in BLOCK_SECTIONS:
                continue
            if key in CONDITIONALS:
                self.check_templates(block, conditional_strings(value), scope | self.defined, key, bare=True)
            else:
                self.check_templates(block, strings_in(value), scope | self.defined, key)
        self.walk(block["block"], scope, "block %r" % block.get("name"))
        if "rescue" in block:
            self.walk(block["rescue"], scope | RESCUE_DEFINED, "rescue of %r" % block.get("name"))
        if "always" in block:
            self.walk(block["always"], scope, "always of %r" % block.get("name"))

    def walk_task(self, task: dict, enclosing: set) -> None:
        if not task.get("name"):
            self.problem(task, "the task has no name")
        for keyword in ("action", "local_action"):
            if keyword in task:
                self.problem(task, "%s: name the module as the task's key instead" % keyword)
        modules = [key for key in task if key not in TASK_KEYWORDS and not key.startswith("with_")]
        if len(modules) != 1:
            self.problem(task, "a task calls exactly one module, this one has %s" % (modules or "none"))
            return
        module = modules[0]
        self.modules.add(module)
        self.check_module(task, module)

        looping = "loop" in task or any(key.startswith("with_") for key in task)
        control = task.get("loop_control") or {}
        loop_vars = set()
        if looping:
            loop_vars = {control.get("loop_var", "item")}
            loop_vars |= {control[key] for key in ("index_var",) if key in control}
            if control.get("extended"):
                loop_vars.add("ansible_loop")
        elif control:
            self.problem(task, "loop_control without a loop")
        base = enclosing | self.task_vars(task) | self.defined
        register = {task["register"]} if "register" in task else set()
        for key, value in task.items():
            if key == "loop" or key.startswith("with_"):
                self.check_templates(task, strings_in(value), base, key)
            elif key in CONDITIONALS:
                scope = base | loop_vars | (register if key in AFTER_RESULT else set())
                self.check_templates(task, conditional_strings(value), scope, key, bare=True)
            else:
                self.check_templates(task, strings_in(value), base | loop_vars, key)

        self.check_names(task, register, "register")
        self.defined |= register
        if module == "ansible.builtin.set_fact" and isinstance(task[module], dict):
            facts = set(task[module]) - {"cacheable"}
            self.check_names(task, facts, module)
            self.defined |= facts

    def check_module(self, task: dict, module: str) -> None:
        if not module.startswith(FQCN_PREFIXES):
            self.problem(task, "module %r is not named by its FQCN (%s or ansible.builtin.)" % (module, COLLECTION))
            return
        name = module.rsplit(".", 1)[1]
        if module.startswith("ansible.builtin."):
            if not (BUILTIN_MODULES / (name + ".py")).is_file():
                self.problem(task, "ansible-core has no module %s" % module)
            return
        path = PLUGINS / "modules" / (name + ".py")
        if not path.is_file():
            self.problem(task, "this collection has no module %s" % module)
            return
        args = task[module] if task[module] is not None else {}
        if not isinstance(args, dict):
            self.problem(task, "the arguments of %s are not a mapping" % module)
            return
        options = module_options(path)
        known = set(options)
        for spec in options.values():
            known |= set(spec.get("aliases") or [])
        unknown = sorted(set(args) - known)
        if unknown:
            self.problem(task, "%s has no option %s" % (module, ", ".join(unknown)))
        for option, spec in options.items():
            if spec.get("required") and option not in args and not set(spec.get("aliases") or []) & set(args):
                self.problem(task, "%s needs option %s" % (module, option))


def check_examples(path: Path) -> ExampleChecker:
    checker = ExampleChecker(path)
    text = doc_strings(path).get("EXAMPLES")
    if not text or not text.strip():
        checker.problems.append("%s: no EXAMPLES" % plugin_id(path))
        return checker
    try:
        tasks = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        checker.problems.append("%s: EXAMPLES is not valid YAML: %s" % (plugin_id(path), exc))
        return checker
    checker.walk(tasks, set())
    return checker


# --- the tests -------------------------------------------------------------------------------------------------

def test_every_plugin_is_checked():
    assert len(MODULE_FILES) >= 4 and len(FILTER_FILES) >= 3


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=plugin_id)
def test_examples_can_be_pasted(path):
    checker = check_examples(path)
    assert not checker.problems, "\n".join(checker.problems)


@pytest.mark.parametrize("path", MODULE_FILES, ids=plugin_id)
def test_a_module_examples_call_the_module(path):
    assert fqcn(path) in check_examples(path).modules


@pytest.mark.parametrize("path", FILTER_FILES, ids=plugin_id)
def test_a_filter_examples_call_the_filter(path):
    assert fqcn(path) in check_examples(path).filters


def checked(text: str) -> list:
    """The problems the checker finds in an EXAMPLES text."""
    checker = ExampleChecker(Path("modules/example.py"))
    checker.walk(yaml.safe_load(text), set())
    return checker.problems


def test_the_checker_finds_a_variable_from_nowhere():
    problems = checked("""
- name: Handle
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ malware_ids }}"
    operation: ignore
""")
    assert len(problems) == 1 and "malware_ids" in problems[0]


def test_the_checker_follows_register_set_fact_vars_loops_and_blocks():
    assert checked("""
- name: Defaults
  module_defaults:
    group/alibabacloud.sas.sas:
      region: "{{ sas_region }}"
  vars:
    sas_region: cn-shanghai
  block:
    - name: List
      alibabacloud.sas.sas_alert_info:
      register: listed
    - name: Ids
      ansible.builtin.set_fact:
        ids: "{{ listed.alerts | map(attribute='id') | list }}"
        runs: "{{ runs | default(0) + 1 }}"
  rescue:
    - name: Why
      ansible.builtin.debug:
        msg: "{{ ansible_failed_result.msg }}"
- name: Send
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ chunk }}"
    operation: ignore
    wait: false
    remark: "{{ note }}"
  vars:
    note: by {{ inventory_hostname }}
  loop: "{{ ids | batch(20) | list }}"
  loop_control:
    loop_var: chunk
  register: sent
  failed_when: sent.summary is not defined
- name: Check
  alibabacloud.sas.sas_alert_task_info:
    task_id: "{{ item }}"
    alert_ids: "{{ ids }}"
  loop: "{{ sent.results | map(attribute='task_ids') | flatten }}"
  register: task
  until: task.finished
  when: not ansible_check_mode
""") == []


@pytest.mark.parametrize("text, expected", [
    ("- name: x\n  ansible.builtin.debug:\n    msg: '{{ item }}'\n", "uses item"),  # no loop
    ("- name: x\n  ansible.builtin.debug:\n    msg: hi\n  when: r.failed\n  register: r\n", "uses r"),
    ("- name: x\n  ansible.builtin.debug:\n    msg: '{{ r }}'\n- name: y\n  ansible.builtin.debug:\n"
     "    msg: hi\n  register: r\n", "uses r"),  # registered by a later task
    ("- name: x\n  debug:\n    msg: hi\n", "FQCN"),
    ("- name: x\n  ansible.builtin.debug:\n    msg: hi\n  when: '{{ ok }}'\n", "bare expression"),
    # sas_alert_handle needs operation or groups (issue 19), which the docs cannot mark required: task_info's task_id
    ("- name: x\n  alibabacloud.sas.sas_alert_task_info:\n    alert_ids: [702173474]\n", "needs option task_id"),
    ("- name: x\n  alibabacloud.sas.sas_alert_info:\n    state: present\n", "no option state"),
    ("- name: x\n  ansible.builtin.set_fact:\n    p: '{{ [] | triage_policy }}'\n", "without its FQCN"),
    ("name: x\nansible.builtin.debug: {}\n", "not a non-empty list"),
    ("- name: x\n  ansible.builtin.debug:\n    msg: hi\n  register: tasks\n", "reserved by Ansible"),
])
def test_the_checker_refuses(text, expected):
    problems = checked(text)
    assert any(expected in problem for problem in problems), problems


# --- ansible-doc ------------------------------------------------------------------------------------------

def collections_path() -> Path:
    """A collections path whose ansible_collections/alibabacloud/sas is this collection: the tree it is
    installed in, or the link that conftest.py, next to this file, keeps in a source checkout."""
    if ROOT.parent.parent.name == "ansible_collections":
        return ROOT.parents[2]
    return ROOT / "build" / "collections"


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=plugin_id)
def test_ansible_doc_renders(path):
    plugin_type = "module" if path.parent.name == "modules" else "filter"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path()), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    result = subprocess.run([sys.executable, "-m", "ansible.cli.doc", "-t", plugin_type, fqcn(path)], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    assert str(path.relative_to(ROOT)) in result.stdout.splitlines()[0]  # this checkout's plugin, not another copy
    for heading in ("EXAMPLES:", "RETURN VALUES:"):
        assert heading in result.stdout, heading

# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event data is attacker-controlled text: no shipped rulebook, playbook or role templates an event field but the
alert's id. ansible-rulebook hands the whole event to the playbook it runs as ansible_eda.event, and Ansible
evaluates a template planted in a value it reads there (a server named {{ lookup('pipe', 'id') }}). A rulebook's
debug action may print the source's escaped label; nothing else of the event goes into a template."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from jinja2 import Environment, StrictUndefined, nodes

from ansible_collections.alibabacloud.sas.extensions.eda.plugins.event_source import sas_alerts
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import susp_events_page

ROOT = Path(__file__).resolve().parents[4]
RULEBOOKS = sorted((ROOT / "extensions" / "eda" / "rulebooks").glob("*.yml"))
PLAYBOOKS_AND_ROLES = sorted(path for folder in ("playbooks", "roles") for path in (ROOT / folder).rglob("*.y*ml"))
ALERT_ID = "event.sas_alert.id"
LABEL = "event.sas_alert_label"
# Where a value is only printed by ansible-rulebook (rendered once, never handed to a playbook).
PRINTING_ACTIONS = ("debug", "print_event")
# The one way a playbook may read the event: its alert's id, an integer.
EVENT_IN_A_PLAYBOOK = re.compile(r"ansible_eda")
ALERT_ID_IN_A_PLAYBOOK = re.compile(r"ansible_eda\.event\.sas_alert\.id(?![\w.\[])")
JINJA = Environment()
JINJA.filters = type("AnyFilter", (dict,), {"__contains__": lambda self, name: True})()  # Ansible's filters too


def event_fields(template: str) -> set:
    """The event fields a Jinja template reads, as dotted paths (event.sas_alert.id; [*] for a computed key)."""
    tree = JINJA.parse(template)
    inner = {id(node.node) for node in tree.find_all((nodes.Getattr, nodes.Getitem))}
    paths = {dotted(node) for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name))
             if id(node) not in inner}
    return {path for path in paths if path and path.split(".")[0] in ("event", "events")}


def dotted(node):
    if isinstance(node, nodes.Name):
        return node.name
    parent = dotted(node.node)
    if parent is None:
        return None
    if isinstance(node, nodes.Getattr):
        return parent + "." + node.attr
    return parent + "." + (str(node.arg.value) if isinstance(node.arg, nodes.Const) else "[*]")


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def rulebooks():
    """(where, rulebook) for every rulebook shipped: the files, the source's EXAMPLES, the documentation's."""
    found = [(path.name, yaml.safe_load(path.read_text())) for path in RULEBOOKS]
    found.append(("sas_alerts EXAMPLES", yaml.safe_load(sas_alerts.EXAMPLES)))
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "eda.md").read_text(), re.DOTALL)
    found += [("docs/eda.md", loaded) for loaded in (yaml.safe_load(textwrap.dedent(block)) for block in blocks)
              if isinstance(loaded, list) and all("rules" in play for play in loaded)]
    return found


def actions(rulebook):
    """(action name, its arguments) of every rule of every ruleset."""
    for ruleset in rulebook:
        for rule in ruleset["rules"]:
            for action in rule.get("actions") or [rule["action"]]:
                yield from action.items()


def test_the_shipped_rulebooks_are_all_checked():
    assert RULEBOOKS and len(rulebooks()) >= len(RULEBOOKS) + 2


@pytest.mark.parametrize("where, rulebook", rulebooks(), ids=[where for where, _rulebook in rulebooks()])
def test_a_rulebook_templates_the_alert_id_only_and_prints_the_label(where, rulebook):
    for name, arguments in actions(rulebook):
        allowed = {ALERT_ID, LABEL} if name in PRINTING_ACTIONS else {ALERT_ID}
        for text in strings_in(arguments):
            assert event_fields(text) <= allowed, (where, name, text)
    for ruleset in rulebook:  # the sources' arguments are rendered before any event
        assert not any(event_fields(text) for text in strings_in(ruleset.get("sources"))), where


def test_a_rulebook_prints_an_alert_without_a_server(start_sas):
    """A cloud-product alert (a leaked AccessKey) has no instance_name: what the rulebooks print still renders
    (ansible-rulebook logged an ERROR for an undefined instance_name before the label)."""
    sas = start_sas(alerts=5)
    [alert_id] = sas.backend.add_alerts(1, name_key="ak_leak_use")
    [model], _total = susp_events_page(sas.connection, 1, 1, {"id": alert_id, "dealed": "N"})
    event = sas_alerts.event_for(model, {"endpoint": "tds.example", "region": None}, "2026-01-01T00:00:00Z")
    assert "instance_name" not in event["sas_alert"]
    strict = Environment(undefined=StrictUndefined)
    printed = [strict.from_string(text).render(event=event) for _where, rulebook in rulebooks()
               for name, arguments in actions(rulebook) if name in PRINTING_ACTIONS for text in strings_in(arguments)]
    assert len(printed) >= len(RULEBOOKS) and event["sas_alert_label"].endswith(" on no server")
    assert all(event["sas_alert_label"] in line for line in printed), printed


@pytest.mark.parametrize("path", PLAYBOOKS_AND_ROLES, ids=lambda path: str(path.relative_to(ROOT)))
def test_playbooks_and_roles_read_nothing_of_the_event_but_the_alert_id(path):
    text = path.read_text()
    assert len(EVENT_IN_A_PLAYBOOK.findall(text)) == len(ALERT_ID_IN_A_PLAYBOOK.findall(text)), path


@pytest.mark.parametrize("template, fields", [
    ("{{ event.sas_alert.id }}", {ALERT_ID}),
    ("{{ event['sas_alert']['instance_name'] | upper }}", {"event.sas_alert.instance_name"}),
    ("{% for key in event.sas_alert %}{{ event.sas_alert[key] }}{% endfor %}", {"event.sas_alert"}),
    ("on {{ event.sas_alert.instance_name | default('-') }}", {"event.sas_alert.instance_name"}),
    ("{{ event.sas_alert | alibabacloud.sas.x }} {{ events.m_0.sas_alert.id }}",
     {"event.sas_alert", "events.m_0.sas_alert.id"}),
    ("{{ sas_triage_report_dir }}", set()),
])
def test_the_check_finds_every_field_a_template_reads(template, fields):
    assert event_fields(template) >= fields and all(field.startswith("event") for field in event_fields(template))

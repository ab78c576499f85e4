# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: chat_message
short_description: A run's summary as one chat message - Slack, DingTalk, Microsoft Teams or generic JSON
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - The JSON body that the role P(alibabacloud.sas.notify#role) posts to
    a chat webhook - the account, the outcome counts, the alerts that need a person (at most 10 listed, with their
    outcome, error code and hint; the others counted), why the run stopped, its warnings and the report's path.
  - C(slack) - an incoming webhook's C(text) and Block Kit C(blocks); C(dingtalk) - a custom robot's C(markdown)
    message, nobody @-mentioned; C(teams) - an Adaptive Card in a C(message), as a Teams Workflows webhook takes it
    (Microsoft retired the Office 365 connectors and their MessageCard); C(generic) - C(summary), the summary as
    data, and C(text), the message escaped as Markdown (which most JSON chat webhooks render).
  - Alert text comes from hosts an attacker may own. Every value is shown on one line, control characters as
    visible escapes such as C(\n) or C(\x1b), cut to a bounded length, and escaped for the format - C(&), C(<)
    and C(>) as Slack's entities (no mention such as C(<!channel>), no link; Slack's text objects are verbatim), the
    Markdown punctuation for DingTalk and Teams (no link, image, heading or emphasis), bare links defanged.
positional: _input, format, only_when
options:
  _input:
    description:
      - The run's summary - C(account), C(title), C(check_mode), C(by_outcome), C(needs_attention) (entries with
        C(id), C(name), C(outcome), C(error_code), C(hint), C(host)), C(stopped), C(warnings), C(report) - as the
        role P(alibabacloud.sas.notify#role) documents it.
    type: dict
    required: true
  format:
    description: The receiver's format.
    type: str
    choices: [slack, dingtalk, teams, generic]
    default: generic
  only_when:
    description:
      - C(always), or C(needs_attention) - null when no alert needs a person and the run did not stop.
    type: str
    choices: [always, needs_attention]
    default: always
"""

EXAMPLES = r"""
- name: Post a summary to a Slack channel
  ansible.builtin.uri:
    url: "{{ slack_webhook_url }}"
    method: POST
    body_format: json
    body: "{{ summary | alibabacloud.sas.chat_message('slack') }}"
  no_log: true
  vars:
    slack_webhook_url: https://hooks.slack.com/services/T000/B000/XXXX
    summary:
      account: prod-cn
      by_outcome: {handled: 3, failed: 1}
      needs_attention:
        - {id: 702173474, name: Reverse shell, outcome: failed, error_code: kill_and_quara.AgentOffline}
      report: reports/triage-prod-cn.md
"""

RETURN = r"""
_value:
  description: The body to post as JSON, or null when I(only_when=needs_attention) and nothing needs a person.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils import chat_message as message


def chat_message(summary, format="generic", only_when=message.ALWAYS):
    if not isinstance(summary, dict):
        raise AnsibleFilterError("chat_message takes the run's summary, a dict")
    if message.format_error(format):
        raise AnsibleFilterError("chat_message: " + message.format_error(format))
    if only_when not in (message.ALWAYS, message.NEEDS_ATTENTION):
        raise AnsibleFilterError("chat_message: only_when must be always or needs_attention, not %r" % (only_when,))
    return message.chat_message(summary, format, only_when)


class FilterModule:
    def filters(self):
        return {"chat_message": chat_message}

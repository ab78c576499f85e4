# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: chat_delivery_warning
short_description: What to warn when a chat webhook did not take a message
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Reads the registered result of the M(ansible.builtin.uri) task that posted a chat message (with
    C(failed_when=false)) and gives the warning to show, or an empty string when the message was delivered or no
    post was made.
  - The warning names the format and the HTTP status, the timeout, why no connection was made, or DingTalk's
    C(errcode) (DingTalk refuses a message with HTTP 200). It never shows the URL, the answer's body or the module's
    message, which may hold the webhook's token.
positional: _input, format, timeout
options:
  _input:
    description: The registered result of the M(ansible.builtin.uri) task.
    type: dict
    required: true
  format:
    description: The format the message was posted in, named in the warning (C(dingtalk) also reads C(errcode)).
    type: str
    choices: [slack, dingtalk, teams, generic]
    required: true
  timeout:
    description: The post's timeout in seconds, for the warning.
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: Post a message
  ansible.builtin.uri:
    url: "{{ webhook }}"
    method: POST
    body_format: json
    body: {text: triage done}
    timeout: 10
  no_log: true
  failed_when: false
  register: posted
  vars:
    webhook: https://hooks.slack.com/services/T000/B000/XXXX

- name: Warn, without failing the run, when the chat did not take it
  ansible.builtin.debug:
    msg: "WARNING: {{ posted | alibabacloud.sas.chat_delivery_warning('slack', 10) }}"
  when: posted | alibabacloud.sas.chat_delivery_warning('slack', 10) | length > 0
"""

RETURN = r"""
_value:
  description:
    - The warning, or an empty string. For example - the slack chat notification was not delivered (HTTP 500); the
      run goes on.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.chat_message import delivery_warning, format_error


def chat_delivery_warning(posted, format, timeout=10):
    if format_error(format):
        raise AnsibleFilterError("chat_delivery_warning: " + format_error(format))
    return delivery_warning(posted if isinstance(posted, dict) else {}, format, timeout)


class FilterModule:
    def filters(self):
        return {"chat_delivery_warning": chat_delivery_warning}

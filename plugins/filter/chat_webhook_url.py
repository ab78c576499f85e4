# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: chat_webhook_url
short_description: The URL to post a chat message to, signed for a DingTalk robot with a secret
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - The webhook's C(url) as it is, or, for C(format=dingtalk) with a C(secret), the URL with C(&timestamp=) and
    C(&sign=) - the HMAC-SHA256 of the time in milliseconds, a newline and the secret, keyed by the secret, in base64,
    URL-encoded, as DingTalk's signed robots require. DingTalk refuses a signature more than an hour old, so it is
    made when the filter runs - in the task that posts.
  - The URL holds the webhook's token and the signature, so use it only in a task with C(no_log=true). Its errors
    never show the URL or the secret.
positional: _input
options:
  _input:
    description:
      - The notify setting of the role P(alibabacloud.sas.notify#role) -
        C(url), C(format), C(secret) (other keys are ignored).
    type: dict
    required: true
  timestamp_ms:
    description: The time to sign, in epoch milliseconds; now when not given (tests give one).
    type: int
"""

EXAMPLES = r"""
- name: Post to a signed DingTalk robot
  ansible.builtin.uri:
    url: "{{ robot | alibabacloud.sas.chat_webhook_url }}"
    method: POST
    body_format: json
    body: {msgtype: text, text: {content: triage done}}
  no_log: true
  vars:
    robot:
      url: https://oapi.dingtalk.com/robot/send?access_token=XXXX
      format: dingtalk
      secret: SECXXXX
"""

RETURN = r"""
_value:
  description: The URL to post to.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.chat_message import webhook_url


def chat_webhook_url(notify, timestamp_ms=None):
    # never the values in a message: the URL and the secret are secrets
    if not isinstance(notify, dict) or not isinstance(notify.get("url"), str):
        raise AnsibleFilterError("chat_webhook_url takes the notify setting, a dict whose url is a string")
    if not isinstance(notify.get("secret") or "", str):
        raise AnsibleFilterError("chat_webhook_url: the notify setting's secret must be a string")
    return webhook_url(notify["url"], notify.get("format"), notify.get("secret"), timestamp_ms)


class FilterModule:
    def filters(self):
        return {"chat_webhook_url": chat_webhook_url}

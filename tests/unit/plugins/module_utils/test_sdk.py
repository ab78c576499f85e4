# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lazy SDK loader: the SDK's own classes, loaded on first use (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

COLLECTIONS = Path(__file__).resolve().parents[4] / "build" / "collections"

PROBE = """
import json, sys
sys.path.insert(0, %r)
from ansible_collections.alibabacloud.sas.plugins.module_utils.sdk import load_client_and_models
Client, models = load_client_and_models()
before = sum(name.startswith("alibabacloud_sas20181203.models._") for name in sys.modules)
request = models.DescribeSuspEventsRequest(from_="sas", page_size="5")
body = models.DescribeSuspEventsResponseBody().from_map(
    {"TotalCount": 1, "SuspEvents": [{"Id": 7, "clusterId": "c"}]})
after = sum(name.startswith("alibabacloud_sas20181203.models._") for name in sys.modules)
import alibabacloud_sas20181203.client as client_module
print(json.dumps({
    "client": Client.__module__, "before": before, "after": after,
    "query": request.to_map(), "event": type(body.susp_events[0]).__name__,
    "cluster": body.susp_events[0].cluster_id, "same_models": client_module.main_models is models,
}))
"""


def test_models_load_on_first_use_and_are_the_sdks_own():
    output = subprocess.run([sys.executable, "-c", PROBE % str(COLLECTIONS)], check=True,
                            capture_output=True, text=True).stdout
    probe = json.loads(output)
    assert probe["client"] == "alibabacloud_sas20181203.client"
    assert probe["before"] < 10  # the full package holds about 2,800 model modules
    assert probe["after"] > probe["before"]
    assert probe["query"] == {"From": "sas", "PageSize": "5"}
    assert probe["event"] == "DescribeSuspEventsResponseBodySuspEvents"
    assert probe["cluster"] == "c"
    assert probe["same_models"] is True


def test_unknown_model_name_is_an_attribute_error():
    probe = PROBE.split("Client, models", maxsplit=1)[0] + (
        "Client, models = load_client_and_models()\n"
        "try:\n    models.NoSuchModel\nexcept AttributeError as exc:\n    print(exc)\n")
    output = subprocess.run([sys.executable, "-c", probe % str(COLLECTIONS)], check=True,
                            capture_output=True, text=True).stdout
    assert "has no attribute 'NoSuchModel'" in output

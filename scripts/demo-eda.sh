#!/usr/bin/env bash
# The event-driven demo: the SAS emulator with its demo data set and a new alert every 10 seconds, and
# ansible-rulebook running alibabacloud.sas.triage_new_alerts with the example policy. Each new alert is
# printed as the source emits it, then the outcome of its triage. Runs DEMO_SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$PWD/build/demo-eda"
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=scripts/demo-emulator.sh
. scripts/demo-emulator.sh --new-alerts-per-minute 6
echo "SAS emulator at $url: a new alert every 10 s"

cat >"$work/inventory.yml" <<'YAML'
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
YAML
cat >"$work/vars.yml" <<YAML
sas_triage_policy_file: $here/playbooks/policies/example.yml
sas_triage_report_dir: $work/reports
sas_alerts_interval: 5
sas_alerts_levels: [serious, suspicious, remind]
YAML

seconds=${DEMO_SECONDS:-60}
echo "ansible-rulebook -r alibabacloud.sas.triage_new_alerts for ${seconds} s (poll every 5 s)"
echo
status=0
timeout --signal=INT "$seconds" ansible-rulebook -i "$work/inventory.yml" -r alibabacloud.sas.triage_new_alerts \
  --vars "$work/vars.yml" >"$work/rulebook.log" 2>&1 &
rulebook=$!
# What happens, as it happens: each event, then the outcome of its triage.
python scripts/eda_demo_printer.py "$work/rulebook.log" "$work/reports" $rulebook &
printer=$!
wait $rulebook || status=$?
wait $printer || true
echo
echo "Reports of each triage and the audit trail are in $work/reports; the rulebook's whole output is"
echo "in $work/rulebook.log."
[ "$status" -eq 0 ] || [ "$status" -eq 124 ] || [ "$status" -eq 130 ] || { tail -40 "$work/rulebook.log"; exit "$status"; }

#!/usr/bin/env bash
# The demo: the SAS emulator with its demo data set, then the triage with the example policy -
# a dry run (--check) first, then the real run - and the Markdown report of each.
set -euo pipefail
cd "$(dirname "$0")/.."
reports="$PWD/build/demo-reports"
rm -rf "$reports"
# shellcheck source=scripts/demo-emulator.sh
. scripts/demo-emulator.sh
echo "SAS emulator at $url"

triage() {
  ansible-playbook playbooks/triage.yml -e sas_triage_policy_file="$here/playbooks/policies/example.yml" \
    -e sas_triage_report_dir="$reports" -e sas_triage_confirm=false "$@"
}
show() {
  echo; echo "==================== $1 ===================="; echo
  local report latest=""
  for report in "$reports"/triage-*.md; do  # the newest one
    if [ -z "$latest" ] || [ "$report" -nt "$latest" ]; then latest=$report; fi
  done
  cat "$latest"
}

echo; echo "### 1. Dry run: the plan, no write call"
triage --check "$@"
show "Dry run report" "$reports"/triage-*-check.md

echo; echo "### 2. Real run (sas_triage_confirm=false, as an AWX job would run it)"
status=0
triage "$@" || status=$?
show "Report" "$reports"/triage-*[0-9]Z.md
echo; echo "### 3. The next scheduled run: the alert that just failed is deferred, not sent again"
rerun=0
triage "$@" || rerun=$?
echo "The re-run ended with rc=$rerun: deferred alerts do not fail the job (sas_triage_retry_failed_after, 6h)."
echo
echo "Reports (JSON and Markdown) and the audit trail of every write call are in $reports:"
find "$reports" -type f | sort
if [ "$status" -ne 0 ]; then
  echo
  echo "The real run ended with rc=$status: the alerts listed under 'failed' need a person (see each hint)."
  echo "That is the triage telling you, as an AWX job would; the demo itself worked."
fi

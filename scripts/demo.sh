#!/usr/bin/env bash
# The demo: the SAS emulator with its demo data set, then the triage with the example policy -
# a dry run (--check) first, then the real run - and the Markdown report of each.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
collections="$here/build/collections"
reports="$here/build/demo-reports"
mkdir -p "$collections/ansible_collections/alibabacloud"
ln -sfn "$here" "$collections/ansible_collections/alibabacloud/sas"
rm -rf "$reports"

log=$(mktemp)
python -m sas_emulator --port 0 --dataset sas_emulator/datasets/demo.json \
  --access-key-id demoAccessKeyId --access-key-secret demoAccessKeySecret >"$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  url=$(grep -o 'http://[0-9.:]*' "$log" || true)
  [ -n "$url" ] && break
  kill -0 $emulator 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "emulator did not start"; cat "$log"; exit 1; }
echo "SAS emulator at $url"

# The SDK ignores NO_PROXY: a proxy must not see loopback traffic.
unset HTTP_PROXY http_proxy HTTPS_PROXY https_proxy
export ALIBABA_CLOUD_SAS_ENDPOINT=$url
export ALIBABA_CLOUD_ACCESS_KEY_ID=demoAccessKeyId
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=demoAccessKeySecret
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
export ANSIBLE_COLLECTIONS_PATH=$collections
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

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
echo
echo "Reports (JSON and Markdown) and the audit trail of every write call are in $reports:"
find "$reports" -type f | sort
if [ "$status" -ne 0 ]; then
  echo
  echo "The real run ended with rc=$status: the alerts listed under 'failed' need a person (see each hint)."
  echo "That is the triage telling you, as an AWX job would; the demo itself worked."
fi

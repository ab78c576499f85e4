# shellcheck shell=bash
# Sourced by demo.sh and demo-eda.sh (from the repository root): the collection on a collections path,
# the SAS emulator with the demo data set (and the extra emulator options given) on a free port, stopped
# when the script exits, and the environment that points the collection at it.
here=$PWD
collections="$here/build/collections"
mkdir -p "$collections/ansible_collections/alibabacloud"
ln -sfn "$here" "$collections/ansible_collections/alibabacloud/sas"

emulator_log=$(mktemp)
python -m sas_emulator --port 0 --dataset sas_emulator/datasets/demo.json \
  --access-key-id demoAccessKeyId --access-key-secret demoAccessKeySecret "$@" >"$emulator_log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null; rm -f "$emulator_log"' EXIT
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://[0-9.:]*' "$emulator_log" || true)
  [ -n "$url" ] && break
  kill -0 $emulator 2>/dev/null || { cat "$emulator_log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "emulator did not start"; cat "$emulator_log"; exit 1; }

# The SDK ignores NO_PROXY: a proxy must not see loopback traffic.
unset HTTP_PROXY http_proxy HTTPS_PROXY https_proxy
export ALIBABA_CLOUD_SAS_ENDPOINT=$url
export ALIBABA_CLOUD_ACCESS_KEY_ID=demoAccessKeyId
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=demoAccessKeySecret
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
export ANSIBLE_COLLECTIONS_PATH=$collections
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

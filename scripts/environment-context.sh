#!/usr/bin/env bash
# The build context of the execution or decision environment with this checkout's collection in it,
# instead of the published alibabacloud.sas that the shipped definitions install by name:
#   bash scripts/environment-context.sh execution-environment.yml build/ee    # or decision-environment.yml build/de
#   podman build -f build/ee/Containerfile -t <registry>/sas-triage-ee:<tag> build/ee
# The definition is the shipped one; only the galaxy requirements in the context change, to the collection
# tarball built here. Needs ansible-builder and ansible-galaxy, no network and no container engine.
# Paths are taken from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
definition=${1:?definition file, e.g. execution-environment.yml}
context=${2:?build context directory, e.g. build/ee}

ansible-builder create -f "$definition" --context "$context" --output-filename Containerfile >/dev/null
collection=$context/_build/collection
rm -rf "$collection"
ansible-galaxy collection build --output-path "$collection" . >/dev/null
# One fixed name, so that the requirements below do not carry the version (one home: galaxy.yml).
mv "$collection"/alibabacloud-sas-*.tar.gz "$collection/alibabacloud-sas.tar.gz"
# The galaxy stage runs `ansible-galaxy collection install -r requirements.yml` in the context's _build.
cat > "$context/_build/requirements.yml" <<'YAML'
---
# Written by scripts/environment-context.sh: alibabacloud.sas from the tarball built from the checkout.
collections:
  - name: collection/alibabacloud-sas.tar.gz
    type: file
YAML
echo "Build context with the checkout's collection: $context"

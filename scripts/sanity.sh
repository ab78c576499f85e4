#!/usr/bin/env bash
# ansible-test sanity on the source tree: every file git knows of (tracked, or new and not ignored)
# that is there - a deletion not staged yet is gone already - copied into a collection layout outside
# this work tree.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=scripts/ansible-test-offline.sh
. "$repo/scripts/ansible-test-offline.sh"

new_collection_dir
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do
    if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
  done | xargs -0 cp --parents -t "$collection_dir"
offline_pip_bootstrap "$repo"
run_sanity "$collection_dir" "$@"

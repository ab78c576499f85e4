#!/usr/bin/env bash
# ansible-test sanity on what users get: the tarball `ansible-galaxy collection build` makes (what
# galaxy.yml build_ignore leaves), unpacked into a fresh ansible_collections/alibabacloud/sas outside
# any git work tree. It fails, for example, on a tests/sanity/ignore-*.txt entry for a file the
# tarball leaves out.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=scripts/ansible-test-offline.sh
. "$repo/scripts/ansible-test-offline.sh"

new_collection_dir
ansible-galaxy collection build --output-path "$collection_root/dist" "$repo" >/dev/null
tarballs=("$collection_root"/dist/alibabacloud-sas-*.tar.gz)
if [ "${#tarballs[@]}" -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
  echo "expected one built tarball, found: ${tarballs[*]}" >&2
  exit 1
fi
tar -xzf "${tarballs[0]}" -C "$collection_dir"
echo "Sanity of the built tarball $(basename "${tarballs[0]}")"
offline_pip_bootstrap "$repo"
run_sanity "$collection_dir" "$@"

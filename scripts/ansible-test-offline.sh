# shellcheck shell=bash
# Sourced by scripts/sanity.sh and scripts/sanity-tarball.sh: what both need to run ansible-test
# sanity offline on a copy of the collection.
#
# ansible-test wants the tree laid out as ansible_collections/alibabacloud/sas, and outside any
# other git work tree: it lists the files with git when it finds one. A fresh directory under
# $TMPDIR is neither in a work tree nor one itself, which is also what users have: a tarball tree.

# new_collection_dir: makes a temporary root, removed when the script exits, and sets
# collection_root (the root) and collection_dir (its ansible_collections/alibabacloud/sas, created).
new_collection_dir() {
  collection_root=$(mktemp -d "${TMPDIR:-/tmp}/sas-sanity.XXXXXX")
  trap 'rm -rf "$collection_root"' EXIT
  collection_dir="$collection_root/ansible_collections/alibabacloud/sas"
  mkdir -p "$collection_dir"
}

# offline_pip_bootstrap REPO: ansible-test bootstraps pip in its venvs with a script from a host
# this machine cannot reach; put REPO's stand-in (scripts/get_pip_offline.py) in its cache.
offline_pip_bootstrap() {
  local repo=$1 pip_version cache
  pip_version=$(python - <<'PY'
import pathlib, re, ansible_test
source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
print(re.search(r"pip='([0-9.]+)'", source.read_text()).group(1))
PY
)
  cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
  if [ ! -f "$cache" ] || grep -q "Stand-in for ansible-test" "$cache"; then
    mkdir -p "$(dirname "$cache")" && cp "$repo/scripts/get_pip_offline.py" "$cache"
  fi
}

# run_sanity DIR [ARGS...]: ansible-test sanity in the collection directory DIR.
run_sanity() {
  local dir=$1
  shift
  (cd "$dir" && ansible-test sanity --python 3.11 --requirements --color no "$@")
}

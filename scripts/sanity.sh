#!/usr/bin/env bash
# ansible-test sanity needs the tree laid out as ansible_collections/alibabacloud/sas, outside
# any other git work tree (it lists files with git when it finds one).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
root=$(mktemp -d "${TMPDIR:-/tmp}/sas-sanity.XXXXXX")
trap 'rm -rf "$root"' EXIT
dest="$root/ansible_collections/alibabacloud/sas"
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$dest"/
cd "$dest"

# ansible-test bootstraps pip in its venvs with a script from a host this machine cannot reach.
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
ansible-test sanity --python 3.11 --requirements --color no "$@"

#!/usr/bin/env bash
# Offline checks of the deployment files (part of `make lint` and `make test`):
#  1. yamllint --strict on compose/, k8s/ and .yamllint;
#  2. compose/docker-compose.yml against the Compose Specification schema
#     (../shared/schemas/compose-spec.json, or $COMPOSE_SPEC_SCHEMA) after interpolating
#     its ${VARIABLES} from compose/.env.example as docker compose would, plus: every
#     variable it uses is documented there (and none is stale), third-party images are
#     pinned, and `depends_on … service_healthy` only waits on services that have a
#     health check (their own or their image's HEALTHCHECK);
#  3. every Kubernetes object under k8s/ against the Kubernetes schemas, strict (unknown
#     fields are errors), for the oldest and newest versions we support;
#  4. the kustomizations rendered (kubectl kustomize or kustomize, if installed) and the
#     renders validated the same way; without either tool, the paths each kustomization
#     names are checked to exist (the files themselves were validated in 3).
# The Python tools live in the git-ignored virtualenv .venv-tools, installed on first use.
# Exits non-zero if any check fails.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

k8s_versions=1.30.0,1.37.0
requirements=(kubernetes-validate==1.37.0 jsonschema==4.26.0 PyYAML==6.0.3 yamllint==1.38.0)
venv=$root/.venv-tools
python=$venv/bin/python
python_venv "$venv" "${requirements[@]}"

schema=${COMPOSE_SPEC_SCHEMA:-$root/../shared/schemas/compose-spec.json}
[[ -f $schema ]] || die "no Compose Specification schema at $schema (set COMPOSE_SPEC_SCHEMA)"

failed=()
step() { # step NAME COMMAND… — runs one check, remembers a failure, goes on
  local name=$1
  shift
  if "$@"; then log "ok: $name"; else
    log "FAILED: $name"
    failed+=("$name")
  fi
}

step "yamllint" "$venv/bin/yamllint" --strict compose k8s .yamllint
step "compose schema" "$python" scripts/check_deploy.py compose \
  compose/docker-compose.yml compose/.env.example "$schema"
mapfile -t k8s_files < <(find k8s -name '*.yaml' | LC_ALL=C sort)
step "Kubernetes manifests" "$python" scripts/check_deploy.py k8s "$k8s_versions" "${k8s_files[@]}"

mapfile -t kustomizations < <(find k8s -name kustomization.yaml -printf '%h\n' | LC_ALL=C sort)
render=()
if command -v kustomize >/dev/null; then
  render=(kustomize build)
elif command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  render=(kubectl kustomize)
fi
if ((${#render[@]} > 0)); then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/pcs-check-deploy.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  for dir in "${kustomizations[@]}"; do
    # A Component renders only as part of a Kustomization.
    grep -q '^kind: Component' "$dir/kustomization.yaml" && continue
    out=$tmp/$(echo "$dir" | tr / _).yaml
    if "${render[@]}" "$dir" >"$out"; then
      step "render $dir (${render[*]})" "$python" scripts/check_deploy.py k8s "$k8s_versions" "$out"
    else
      log "FAILED: ${render[*]} $dir"
      failed+=("render $dir")
    fi
  done
else
  log "no kustomize or kubectl: overlays not rendered; checking what the kustomizations reference"
  step "kustomization references" "$python" scripts/check_deploy.py kustomize-refs "${kustomizations[@]}"
fi

if ((${#failed[@]} > 0)); then
  die "deployment checks failed: ${failed[*]}"
fi
log "all deployment checks passed"

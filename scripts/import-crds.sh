#!/usr/bin/env bash
# Regenerates imports/ from the upstream CRD manifests vendored in schemas/crds (provenance:
# schemas/crds/SOURCES.md) with `cdk8s import`.
# All CRDs of one API group go in one call (cdk8s writes one file per group and would overwrite it).
# The generated files and the manifests are both committed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK8S_CHECK_UPGRADE=false
crds=schemas/crds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
import_group() { # group file...
  local group=$1; shift
  local out="$tmp/$group.yaml"
  : > "$out"
  for file in "$@"; do cat "$crds/$group/$file" >> "$out"; echo '---' >> "$out"; done
  (cd imports && npx cdk8s import "$out" --language typescript --output .)
}
mkdir -p imports
import_group monitoring.coreos.com monitoring.coreos.com_podmonitors.yaml monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_prometheusrules.yaml
import_group karpenter.sh karpenter.sh_nodepools.yaml karpenter.sh_nodeclaims.yaml
import_group karpenter.k8s.aws karpenter.k8s.aws_ec2nodeclasses.yaml
import_group gateway.networking.k8s.io gateway.networking.k8s.io_httproutes.yaml
import_group inference.networking.k8s.io inference.networking.k8s.io_inferencepools.yaml
import_group keda.sh keda.sh_scaledobjects.yaml keda.sh_triggerauthentications.yaml

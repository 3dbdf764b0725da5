#!/usr/bin/env bash
# `npm run test:package` (CI runs it after `npm test`): the package as a user gets it.
#  1. `npm pack` (prepare builds build/), and the tarball holds the build, not the sources;
#  2. `llm-constructs init app --pulumi`, run from the tarball installed with its dependencies, as npx does;
#  3. the app installs the tarball and its peers from the npm registry (--prefer-offline: the npm cache);
#  4. a program using every public construct type-checks against the installed package;
#  5. `cdk8s synth` of the generated app, unchanged, writes the manifests; the summary reaches stderr;
#  6. the generated Pulumi program runs under pulumi.runtime.setMocks (no Pulumi CLI needed).
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK8S_CHECK_UPGRADE=false
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step() { echo "== test:package: $*" >&2; }
fail() { echo "test:package FAILED: $*" >&2; exit 1; }

step "npm pack"
tarball="$tmp/$(npm pack --silent --pack-destination "$tmp" | tail -1)"
listing=$(tar tzf "$tarball")
for f in package/package.json package/README.md package/build/lib/index.js package/build/lib/index.d.ts package/build/lib/cli/main.js package/build/lib/pulumi/index.js package/build/imports/monitoring.coreos.com.js; do
  grep -qx "$f" <<<"$listing" || fail "$f is missing from the tarball"
done
if grep -E '^package/(test|lib|examples|schemas)/|^package/build/(test|examples|bench|scripts|report-screenshots)/|\.tsbuildinfo$' <<<"$listing"; then fail 'the tarball holds sources or tests'; fi
echo "tarball: $(basename "$tarball"), $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KiB" >&2

step "llm-constructs init app --pulumi (the packed CLI)"
# Installed with its own dependencies (d3-scale draws the report's axes) but not the peers: the CLI needs none.
mkdir "$tmp/cli" && (cd "$tmp/cli" && npm init -y >/dev/null && npm install --prefer-offline --legacy-peer-deps --no-audit --no-fund --loglevel=error "$tarball" >&2)
"$tmp/cli/node_modules/.bin/llm-constructs" init "$tmp/app" --pulumi >&2
app="$tmp/app"
(cd "$app" && sha256sum main.ts stack.ts pulumi.ts tsconfig.json cdk8s.yaml Pulumi.yaml >"$tmp/generated.sha256")

step "npm install the tarball and the peers"
(cd "$app" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" >&2)

step "type-check a program that uses every public construct"
cp "$repo/scripts/package-fixtures/every-construct.ts" "$repo/scripts/package-fixtures/pulumi-mocks.ts" "$app/"
(cd "$app" && npx tsc --noEmit -p tsconfig.json) || fail 'the program does not type-check against the installed package'
(cd "$app" && npx tsx every-construct.ts >&2) || fail 'the every-construct program failed'

step "cdk8s synth (the generated app, unchanged)"
(cd "$app" && sha256sum -c --quiet "$tmp/generated.sha256") || fail 'the generated files changed'
(cd "$app" && npx cdk8s synth 2>"$tmp/synth.err" >"$tmp/synth.out") || { cat "$tmp/synth.err" >&2; fail 'cdk8s synth failed'; }
cat "$tmp/synth.err" >&2
test -s "$app/dist/llm.k8s.yaml" || fail 'dist/llm.k8s.yaml was not written'
grep -q '^kind: Deployment' "$app/dist/llm.k8s.yaml" || fail 'no Deployment in dist/llm.k8s.yaml'
grep -q 'LlmStack llm' "$tmp/synth.err" || fail 'the cost summary did not reach stderr'
grep -q 'LlmStack llm' "$app/dist/llm.summary.txt" || fail 'dist/llm.summary.txt was not written'

step "the Pulumi program under mocks"
(cd "$app" && npx tsx pulumi-mocks.ts >&2) || fail 'the Pulumi program failed under mocks'
echo "test:package: OK" >&2

#!/usr/bin/env python3
"""Flags and env names of a clap `struct Args` (Rust), read from an upstream git mirror at a tag.

    clap-args.py <git-dir> <tag> <path> [struct-name]

`#[clap(long, env)] max_batch_size: ...` -> `--max-batch-size`, `MAX_BATCH_SIZE`; `long = "x"` and
`env = "X"` override the derived names; fields without `long` are positional. Used to (re)generate
test/fixtures/engine-contracts/*.json; never run by the tests.
"""
import json, re, subprocess, sys

git_dir, tag, path = sys.argv[1:4]
struct = sys.argv[4] if len(sys.argv) > 4 else 'Args'
src = subprocess.run(['git', f'--git-dir={git_dir}', 'show', f'{tag}:{path}'], check=True, capture_output=True, text=True).stdout
body = src[src.index(f'struct {struct} {{'):]
body = body[: body.index('\n}\n')]
flags, env, attrs = [], [], []
for line in body.splitlines():
    s = line.strip()
    if s.startswith('#[clap(') or s.startswith('#[arg(') or attrs and not attrs[-1].rstrip().endswith(')]'):
        if s.startswith('#[') or attrs:
            attrs.append(s)
        continue
    m = re.match(r'(?:pub\s+)?([a-z_][a-z0-9_]*)\s*:', s)
    if m and attrs:
        a = ' '.join(attrs)
        name = m.group(1)
        if re.search(r'\blong\b', a):
            lm = re.search(r'\blong\s*=\s*"([^"]+)"', a)
            flags.append('--' + (lm.group(1) if lm else name.replace('_', '-')))
        if re.search(r'\benv\b', a):
            em = re.search(r'\benv\s*=\s*"([^"]+)"', a)
            env.append(em.group(1) if em else name.upper())
    if m or not s.startswith('///'):
        attrs = [] if m else attrs
print(json.dumps({'flags': sorted(set(flags)), 'env': sorted(set(env))}, indent=2))

/**
 * Where the synthesis time goes: reads a V8 `.cpuprofile` of bench/synth-child.ts and prints self time
 * per phase (stack build, stack toJson, raw build, raw toJson) and per code owner, plus the hottest
 * functions of our own code.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 200 \
 *     --require ./node_modules/tsx/dist/preflight.cjs --import "file://$PWD/node_modules/tsx/dist/loader.mjs" \
 *     bench/synth-child.ts 1000 internal 5
 *   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile   (the largest file is the main thread)
 */
import * as fs from 'node:fs';
import { formatTable } from './table';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const PHASES = ['stack build', 'stack toJson', 'raw build', 'raw toJson', 'other'] as const;
type Phase = (typeof PHASES)[number];

function file(frame: CallFrame): string {
  return frame.url
    .replace(/^file:\/\//, '')
    .replace(`${process.cwd()}/`, '')
    .replace(/.*node_modules\//, '');
}

function owner(frame: CallFrame): string {
  const f = file(frame);
  if (f.startsWith('lib/')) return 'llm-constructs lib/';
  if (f.startsWith('imports/')) return 'generated CRD classes imports/';
  if (f.startsWith('cdk8s-plus-28/')) return 'cdk8s-plus-28 k8s L1 (toJson_* conversion)';
  if (f.startsWith('cdk8s/')) return 'cdk8s core (ApiObject, resolve, sanitize, graph)';
  if (f.startsWith('constructs/')) return 'constructs (tree)';
  if (frame.functionName === '(garbage collector)') return 'garbage collector';
  if (f.startsWith('bench/')) return 'bench/';
  return 'other (node, loader, builtins)';
}

function main(): void {
  const target = process.argv[2];
  if (!target) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile>');
  const profile = JSON.parse(fs.readFileSync(target, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Phase of a node: the innermost of buildStack / LlmStack.toJson / buildRaw / the raw chart's toJson above it.
  const phaseCache = new Map<number, Phase>();
  const phaseOf = (id: number): Phase => {
    const cached = phaseCache.get(id);
    if (cached) return cached;
    const { callFrame } = byId.get(id)!;
    const f = file(callFrame);
    let phase: Phase | undefined;
    if (f === 'bench/stacks.ts' && callFrame.functionName === 'buildStack') phase = 'stack build';
    else if (f === 'bench/stacks.ts' && callFrame.functionName === 'buildRaw') phase = 'raw build';
    else if (f === 'lib/constructs/stack/llm-stack.ts' && callFrame.functionName === 'toJson') phase = 'stack toJson';
    else if (f === 'cdk8s/lib/chart.js' && callFrame.functionName === 'toJson') {
      const up = parent.get(id);
      phase = up !== undefined && phaseOf(up) === 'stack toJson' ? 'stack toJson' : 'raw toJson';
    }
    if (!phase) {
      const up = parent.get(id);
      phase = up === undefined ? 'other' : phaseOf(up);
    }
    phaseCache.set(id, phase);
    return phase;
  };

  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));

  const byPhaseOwner = new Map<string, number>();
  const phaseTotal = new Map<Phase, number>();
  const ownFunctions = new Map<string, number>();
  // Garbage-collector samples have no caller: they are reported on their own.
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const phase = node.callFrame.functionName === '(garbage collector)' ? 'other' : phaseOf(id);
    const who = owner(node.callFrame);
    byPhaseOwner.set(`${phase}\u0000${who}`, (byPhaseOwner.get(`${phase}\u0000${who}`) ?? 0) + micros);
    phaseTotal.set(phase, (phaseTotal.get(phase) ?? 0) + micros);
    if (who.startsWith('llm-constructs') || who.startsWith('generated')) {
      const key = `${node.callFrame.functionName || '(anonymous)'} ${file(node.callFrame)}:${node.callFrame.lineNumber + 1}`;
      ownFunctions.set(key, (ownFunctions.get(key) ?? 0) + micros);
    }
  }

  const ms = (micros: number) => (micros / 1000).toFixed(0);
  console.log('Self time per phase (ms):');
  console.log(
    formatTable(
      ['phase', 'ms'],
      PHASES.map((p) => [p, ms(phaseTotal.get(p) ?? 0)]),
    ),
  );
  for (const phase of PHASES.slice(0, 4)) {
    const totalMicros = phaseTotal.get(phase) ?? 0;
    const rows = [...byPhaseOwner]
      .filter(([k]) => k.startsWith(`${phase}\u0000`))
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k.split('\u0000')[1], ms(v), `${((100 * v) / Math.max(totalMicros, 1)).toFixed(1)}%`]);
    console.log(`\n${phase} (${ms(totalMicros)} ms) by owner:`);
    console.log(formatTable(['owner', 'ms', 'share'], rows));
  }
  console.log('\nHottest functions of llm-constructs (self ms, all phases):');
  console.log(
    formatTable(
      ['function', 'ms'],
      [...ownFunctions]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([k, v]) => [k, ms(v)]),
    ),
  );
}

main();

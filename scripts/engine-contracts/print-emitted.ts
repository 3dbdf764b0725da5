/* Prints, per engine, the flags and env names the examples emit (a development aid for the fixtures). */
import { Testing } from 'cdk8s';
import { allExamples } from '../../examples';
const app = Testing.app();
const out: Record<string, { flags: Set<string>; env: Set<string> }> = {};
for (const chart of allExamples(app)) {
  for (const o of Testing.synth(chart) as any[]) {
    const tpls = [o.spec?.template, o.spec?.leaderWorkerTemplate?.leaderTemplate, o.spec?.leaderWorkerTemplate?.workerTemplate].filter(Boolean);
    for (const t of tpls) {
      const engine = t.metadata?.labels?.['app.kubernetes.io/component'] ?? `${o.kind}/${o.metadata?.name}`;
      for (const c of [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])]) {
        const key = `${engine} :: ${c.name}`;
        out[key] ??= { flags: new Set(), env: new Set() };
        for (const a of [...(c.command ?? []), ...(c.args ?? [])]) for (const m of String(a).matchAll(/(?:^|\s)(--[a-z][a-z0-9-]*)/g)) out[key].flags.add(m[1]);
        for (const e of c.env ?? []) out[key].env.add(e.name);
      }
    }
  }
}
for (const [k, v] of Object.entries(out)) console.log(k, '\n  flags:', [...v.flags].sort().join(' '), '\n  env:', [...v.env].sort().join(' '));

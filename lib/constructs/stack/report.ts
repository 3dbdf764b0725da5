/**
 * Synth-time summaries where the user sees them. `cdk8s synth` runs the app with stdout piped and
 * discarded (cdk8s-cli lib/util.js: `spawn(..., { stdio: ['inherit', 'pipe', 'inherit'] })`) and stderr
 * inherited: so the summary goes to stderr, and to `<stack>.summary.txt` beside the manifests.
 * (Synth-time warnings already go to stderr: see ../warnings.ts.)
 */
import { App } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LlmStack } from './llm-stack';

/**
 * After `app.synth()`: writes each LlmStack's cost summary to `<outdir>/<stack id>.summary.txt` and to
 * stderr. Returns the text written.
 */
export function reportSummaries(app: App, stderr: (text: string) => void = (text) => process.stderr.write(text)): string {
  const stacks = app.node.findAll().filter(LlmStack.isLlmStack);
  const texts = stacks.map((stack) => {
    const text = `${stack.formatSummary()}\n`;
    fs.mkdirSync(app.outdir, { recursive: true });
    fs.writeFileSync(path.join(app.outdir, `${stack.node.id}.summary.txt`), text);
    return text;
  });
  const all = texts.join('\n');
  if (all) stderr(`${all}\nSummaries written beside the manifests in ${app.outdir}/ (<stack>.summary.txt)\n`);
  return all;
}

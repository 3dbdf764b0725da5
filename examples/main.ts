/**
 * `npm run synth` (cdk8s synth, see cdk8s.yaml): writes every example to dist/<chart>.k8s.yaml and the
 * cost summary of each LlmStack to dist/cost-summary.txt, which the npm script prints (the cdk8s CLI
 * does not show the app's own output), and each LlmStack's sizing report to dist/<stack>.report.html.
 */
import { App } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allExamples } from '.';
import { estimatePerformance, LlmStack, renderStackReport, stackReportInput } from '../lib';

const app = new App();
const charts = allExamples(app);
app.synth();
const stacks = charts.filter(LlmStack.isLlmStack);
const summaries = stacks.map((stack) => stack.formatSummary());
fs.writeFileSync(path.join(app.outdir, 'cost-summary.txt'), `${summaries.join('\n\n')}\n`);
for (const stack of stacks) fs.writeFileSync(path.join(app.outdir, `${stack.node.id}.report.html`), renderStackReport(stackReportInput(stack), { estimate: estimatePerformance }));

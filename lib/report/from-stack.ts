import type { LlmStack } from '../constructs/stack/llm-stack';
import { SYNTH_WARNING } from '../constructs/warnings';
import type { StackReportInput } from './stack-report';

/** A stack's report data: its summary, each worker's plan, and the warnings of synth and of the plans. */
export function stackReportInput(stack: LlmStack): StackReportInput {
  const summary = stack.summary();
  const workers = stack.workers;
  const models = summary.models.map((line) => {
    const worker = workers.find((w) => w.node.path === line.worker)!;
    return { summary: line, plan: worker.plan };
  });
  const synth = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === SYNTH_WARNING).map((m) => `${c.node.path}: ${String(m.data)}`));
  const plans = workers.flatMap((w) => w.plan.warnings.map((text) => `${w.node.path}: ${text}`));
  return { name: stack.node.id, namespace: stack.namespace!, summary, models, warnings: [...new Set([...synth, ...plans])] };
}

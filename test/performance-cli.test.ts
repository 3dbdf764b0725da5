/** `llm-constructs plan` with workload flags: prediction, replicas, $/1M tokens and the candidates table. */
import { main } from '../lib/cli/main';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(
    args,
    (t) => (out += `${t}\n`),
    (t) => (err += `${t}\n`),
  ) as number; // plan is synchronous (only `model add` returns a Promise)
  return { code, out, err };
}

const ISSUE = ['plan', '--model', 'meta-llama/Llama-3.1-8B-Instruct', '--input-tokens', '2000', '--output-tokens', '300', '--rps', '20', '--ttft-ms', '1000', '--tpot-ms', '33'];

describe('plan with a workload', () => {
  it('prints the prediction, replicas and cost per million tokens beside the memory plan, and the candidates', () => {
    const { code, out } = run(ISSUE);
    expect(code).toBe(0);
    expect(out).toMatch(/Memory per accelerator/);
    expect(out).toMatch(/Performance per replica at [\d.]+ requests in flight \(2000 in \/ 300 out\)/);
    expect(out).toMatch(/TTFT\s+\d+ ms\s+\(\+\/- \d+ %\)/);
    expect(out).toMatch(/replicas\s+\d+/);
    expect(out).toMatch(/\$[\d.]+ per million output tokens/);
    expect(out).toMatch(/Candidates compared \(\d+; cheapest per token first/);
    expect(out.split('\n').filter((l) => l.startsWith('*  '))).toHaveLength(1);
  });

  it('--json carries performance, replicas, cost per token and every candidate', () => {
    const { code, out } = run([...ISSUE, '--json']);
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect(plan.performance.tpotMs).toBeLessThanOrEqual(33);
    expect(plan.replicas).toBeGreaterThanOrEqual(1);
    expect(plan.costPerMillionTokensUsd).toBeGreaterThan(0);
    expect(plan.candidates.length).toBeGreaterThan(15);
    expect(plan.candidates.filter((c: { chosen: boolean }) => c.chosen)).toHaveLength(1);
  });

  it('an impossible SLO exits 1 naming the flag and the term', () => {
    const { code, err } = run(['plan', '--model', 'meta-llama/Llama-3.1-70B-Instruct', '--input-tokens', '2000', '--output-tokens', '300', '--rps', '1', '--tpot-ms', '1']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error \(--tpot-ms\): .*decode bandwidth/);
    expect(err).toMatch(/what would work/);
  });

  it('a bad workload value exits 1 naming its flag', () => {
    const { code, err } = run(['plan', '--model', 'meta-llama/Llama-3.1-8B-Instruct', '--input-tokens', 'many', '--output-tokens', '300']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error \(--input-tokens\): workload.inputTokens must be a positive integer, got 'many'/);
  });

  it('--help lists the workload flags', () => {
    const { out } = run(['plan', '--help']);
    for (const flag of ['--input-tokens', '--output-tokens', '--rps', '--concurrent-requests', '--ttft-ms', '--tpot-ms']) expect(out).toContain(flag);
  });
});

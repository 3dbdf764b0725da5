/**
 * Issue 13, defects 10 and 11: a multi-node replica (LeaderWorkerSet) on a live cluster.
 * - Defect 10: on EFA instances every pod of the group requests the instance's EFA interfaces and tells
 *   libfabric to use them; on-prem, the pool's RDMA resource and NCCL's HCA choice.
 * - Defect 11: the Ray join is retried with a bound, and vLLM starts only once the Ray cluster has all its
 *   nodes. The leader's and the worker's shell scripts are EXECUTED with /bin/sh against stand-in `ray`,
 *   `python3` and `sleep` binaries, as the kubelet would run them (after its `$(VAR)` expansion).
 */
import { Chart, Testing } from 'cdk8s';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GpuNodePool, LlmWorker, type LlmWorkerProps } from '../lib';
import { rayLeaderScript, rayWorkerScript } from '../lib/constructs/ray-group';
import { kubeletExpand, podTemplates, synth, type Obj } from './support/cluster';

const HF_TOKEN = { name: 'hf-token', key: 'token' };
/** 405B at 16k context on p5.48xlarge: two nodes per replica. */
const ON_P5: LlmWorkerProps = { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p5.48xlarge', maxContextLength: 16384, concurrency: 8, hfTokenSecret: HF_TOKEN };
/**
 * p5.48xlarge has 32 network cards, one EFA each ("Amazon EC2 instance types: Accelerated computing,
 * Network specifications": 32 EFA for p5.48xlarge).
 */
const P5_EFA = 32;

function groupPods(objects: Obj[]) {
  const lws = objects.find((o) => o.kind === 'LeaderWorkerSet');
  expect(lws).toBeDefined();
  return podTemplates(objects).filter((p) => p.owner === lws);
}

function server(template: any): any {
  return template.spec.containers.find((c: any) => c.name === 'server');
}

describe('defect 10: the LeaderWorkerSet on EFA instances uses EFA', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
  const worker = new LlmWorker(chart, 'big', ON_P5);
  const pods = groupPods(synth(chart));

  it('the plan spans nodes on p5.48xlarge', () => {
    expect(worker.plan.nodesPerReplica).toBe(2);
    expect(pods.map((p) => p.role).sort()).toEqual(['leader', 'worker']);
  });

  it.each(['leader', 'worker'])('the %s requests (and limits) all 32 EFA interfaces', (role) => {
    const c = server(pods.find((p) => p.role === role)!.template);
    expect(c.resources.requests['vpc.amazonaws.com/efa']).toBe(P5_EFA);
    expect(c.resources.limits['vpc.amazonaws.com/efa']).toBe(P5_EFA);
  });

  it.each(['leader', 'worker'])('the %s tells libfabric to use EFA with GPUDirect RDMA (p5 supports it)', (role) => {
    const env = Object.fromEntries(server(pods.find((p) => p.role === role)!.template).env.map((e: any) => [e.name, e.value]));
    expect(env.FI_PROVIDER).toBe('efa');
    expect(env.FI_EFA_USE_DEVICE_RDMA).toBe('1');
  });

  it('a single-node replica requests no EFA', () => {
    const c2 = new Chart(Testing.app(), 'c2', { namespace: 'llm' });
    new LlmWorker(c2, 'small', { model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'p5.48xlarge', hfTokenSecret: HF_TOKEN });
    const deployment = synth(c2).find((o) => o.kind === 'Deployment')!;
    expect(server(deployment.spec.template).resources.requests['vpc.amazonaws.com/efa']).toBeUndefined();
  });
});

describe('defect 10, on-prem: InfiniBand/RoCE through the pool', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'h100', {
    accelerator: 'H100-SXM5-80GB',
    provisioner: { type: 'on-prem', nodes: 4, acceleratorsPerNode: 8, interconnect: { resource: 'rdma/rdma_shared_device_a', ibHca: 'mlx5_0,mlx5_1', gidIndex: 3 } },
  });
  new LlmWorker(chart, 'big', { model: 'meta-llama/Llama-3.1-405B-Instruct', nodePool: pool, maxContextLength: 16384, concurrency: 8, hfTokenSecret: HF_TOKEN });
  const pods = groupPods(synth(chart));

  it.each(['leader', 'worker'])('the %s requests the RDMA device, keeps IPC_LOCK, and names the HCAs to NCCL', (role) => {
    const c = server(pods.find((p) => p.role === role)!.template);
    expect(c.resources.requests['rdma/rdma_shared_device_a']).toBe(1);
    expect(c.securityContext.capabilities.add).toEqual(['IPC_LOCK']);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env.NCCL_IB_HCA).toBe('mlx5_0,mlx5_1');
    expect(env.NCCL_IB_GID_INDEX).toBe('3');
  });

  it('a malformed interconnect fails with the prop named', () => {
    const c = new Chart(Testing.app(), 'x', { namespace: 'llm' });
    expect(() => new GpuNodePool(c, 'p', { accelerator: 'H100-SXM5-80GB', provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 8, interconnect: { resource: 'not a resource' } } })).toThrow(
      /provisioner\.interconnect/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Defect 11: run the scripts
// ---------------------------------------------------------------------------------------------------

const haveSh = fs.existsSync('/bin/sh');

/**
 * A directory of stand-ins: `ray` fails its first `failures` calls (as a join does while the head is not up),
 * `python3 -c` prints the alive-node count from a list that advances per call, any other `python3`/`vllm`
 * call records that the server started; `sleep` returns at once.
 */
function standIns(failures: number, aliveCounts: number[]): { dir: string; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ray-'));
  const log = path.join(dir, 'log');
  const state = path.join(dir, 'state');
  fs.writeFileSync(state, '0');
  const write = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  write('ray', `n=$(cat ${dir}/ray-calls 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/ray-calls\necho "ray $*" >> ${log}\n[ $n -gt ${failures} ]`);
  write(
    'python3',
    `if [ "$1" = "-c" ]; then i=$(cat ${state}); set -- ${aliveCounts.join(' ')}; shift $i 2>/dev/null || true; v=\${1:-${aliveCounts[aliveCounts.length - 1]}}; echo $((i+1)) > ${state}; echo "count $v" >> ${log}; echo "2026-12-03 INFO ray.init connected"; echo $v; exit 0; fi\necho "serve python3 $*" >> ${log}`,
  );
  write('vllm', `echo "serve vllm $*" >> ${log}`);
  write('sleep', 'exit 0');
  return { dir, log };
}

/** Runs the container's `sh -c` script as the kubelet would: `$(LWS_LEADER_ADDRESS)` expanded first. */
function run(container: any, dir: string): { status: number | null; stderr: string } {
  expect(container.command).toEqual(['/bin/sh', '-c']);
  // LeaderWorkerSet sets LWS_LEADER_ADDRESS in every pod of the group.
  const script = kubeletExpand(String(container.args[0]), { LWS_LEADER_ADDRESS: 'big-0.big.llm' });
  const result = spawnSync('/bin/sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stderr: result.stderr };
}

(haveSh ? describe : describe.skip)('defect 11: the Ray group forms before vLLM starts, with bounded retries', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
  const worker = new LlmWorker(chart, 'big', ON_P5);
  const pods = groupPods(synth(chart));
  const leader = server(pods.find((p) => p.role === 'leader')!.template);
  const rayWorker = server(pods.find((p) => p.role === 'worker')!.template);
  const size = worker.plan.nodesPerReplica;

  it('a worker retries the join while the head is not up, then stays joined', () => {
    const { dir, log } = standIns(3, [size]);
    expect(run(rayWorker, dir).status).toBe(0);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(4);
    for (const call of calls) expect(call).toBe('ray start --address=big-0.big.llm:6379 --block');
  });

  it('a worker gives up after its bound (the container exits non-zero; LWS recreates the group)', () => {
    // The emitted script is the bounded loop with the pod's startup budget as its bound; run with a 20 s
    // bound so that the test takes milliseconds, not the budget's 1,000-odd attempts.
    const budget = Number(/-ge (\d+)/.exec(rayWorker.args[0])![1]);
    expect(budget).toBeGreaterThan(0);
    expect(rayWorker.args[0]).toBe(rayWorkerScript(budget));
    const { dir, log } = standIns(Number.MAX_SAFE_INTEGER, [size]);
    const result = run({ ...rayWorker, args: [rayWorkerScript(20)] }, dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unreachable after 20 s/);
    // Attempts at 0, 5, 10, 15 and 20 s of waiting, then it stops.
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('the leader starts vLLM only once the Ray cluster has all its nodes', () => {
    const { dir, log } = standIns(0, [1, 1, 1, size]);
    expect(run(leader, dir).status).toBe(0);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('ray start --head --port=6379');
    const serve = lines.findIndex((l) => l.startsWith('serve '));
    expect(lines.slice(1, serve)).toEqual(['count 1', 'count 1', 'count 1', `count ${size}`]);
    expect(lines[serve]).toMatch(/--distributed-executor-backend ray/);
    expect(serve).toBe(lines.length - 1);
  });

  it("the leader's startup probe allows the whole wait for the group plus the load", () => {
    const wait = Number(/-ge (\d+)/.exec(leader.args[0])![1]);
    // The load budget of one pod of the group: the bound a worker gets for its own start.
    const load = Number(/-ge (\d+)/.exec(rayWorker.args[0])![1]);
    const probe = leader.startupProbe;
    expect(probe.periodSeconds * probe.failureThreshold).toBeGreaterThanOrEqual(wait + load);
  });

  it('the leader gives up (no vLLM) when the cluster never reaches its size', () => {
    const budget = Number(/-ge (\d+)/.exec(leader.args[0])![1]);
    const serve = /exec (.*)$/.exec(leader.args[0])![1]!;
    expect(leader.args[0]).toBe(rayLeaderScript(serve.split(' '), size, budget));
    const { dir, log } = standIns(0, [1]);
    const result = run({ ...leader, args: [rayLeaderScript(serve.split(' '), size, 20)] }, dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/has not reached 2 nodes/);
    expect(fs.readFileSync(log, 'utf8')).not.toMatch(/^serve /m);
  });
});

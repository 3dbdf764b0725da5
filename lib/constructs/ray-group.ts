/**
 * The shell around vLLM in a multi-node replica (one LeaderWorkerSet group), after vLLM's own multi-node
 * example, examples/online_serving/multi-node-serving.sh (vllm-project/vllm, v0.11.0):
 * - the leader starts the Ray head, then polls `ray.nodes()` every 5 s until every node of the group is
 *   alive, and only then starts vLLM (which places its ranks on the nodes Ray has at that moment);
 * - a worker retries `ray start --address=<head> --block` every 5 s: the head may not be up yet, and one
 *   failed attempt would exit the container and make LeaderWorkerSet recreate the whole group.
 * Both give up after `boundSeconds` (the script's `ray_init_timeout`), exiting non-zero.
 */

/** The Ray head's GCS port (`ray start --head --port`, Ray's default). */
export const RAY_PORT = 6379;
const POLL_SECONDS = 5;

/** Alive nodes of the Ray cluster this pod belongs to, as the example counts them. */
const COUNT_ALIVE = `python3 -c 'import ray; ray.init(); print(sum(node["Alive"] for node in ray.nodes()))'`;

/** `sh -c` script of the leader: Ray head, wait for `size` alive nodes (bounded), then exec `serve`. */
export function rayLeaderScript(serve: readonly string[], size: number, boundSeconds: number): string {
  return [
    `ray start --head --port=${RAY_PORT} || exit 1`,
    'waited=0',
    `until [ "$(${COUNT_ALIVE} 2>/dev/null | tail -n 1)" = "${size}" ]; do`,
    `  if [ "$waited" -ge ${boundSeconds} ]; then echo "Ray cluster has not reached ${size} nodes after ${boundSeconds} s" >&2; exit 1; fi`,
    `  echo "waiting for ${size} Ray nodes"; sleep ${POLL_SECONDS}; waited=$((waited + ${POLL_SECONDS}))`,
    'done',
    `exec ${serve.map(shellQuote).join(' ')}`,
  ].join('\n');
}

/**
 * `sh -c` script of a worker: join the head at `$(LWS_LEADER_ADDRESS)` (expanded by the kubelet from the
 * env var LeaderWorkerSet sets), retrying every 5 s for at most `boundSeconds`.
 */
export function rayWorkerScript(boundSeconds: number): string {
  const head = `$(LWS_LEADER_ADDRESS):${RAY_PORT}`;
  return [
    'waited=0',
    `until ray start --address=${head} --block; do`,
    `  if [ "$waited" -ge ${boundSeconds} ]; then echo "Ray head ${head} unreachable after ${boundSeconds} s" >&2; exit 1; fi`,
    `  echo "waiting for the Ray head ${head}"; sleep ${POLL_SECONDS}; waited=$((waited + ${POLL_SECONDS}))`,
    'done',
  ].join('\n');
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

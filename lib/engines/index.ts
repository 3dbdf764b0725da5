/**
 * Engine adapters: a sizing plan + engine options -> the container recipe of one model server.
 * Pure data (no cdk8s); constructs turn recipes into Kubernetes objects.
 */
import type { ModelPlan } from '../sizing/types';
import { fastchatVllmRecipe } from './fastchat-vllm';
import { llamaCppRecipe } from './llama-cpp';
import { ollamaRecipe } from './ollama';
import { teiRecipe } from './tei';
import { tgiRecipe } from './tgi';
import { tgiNeuronRecipe } from './tgi-neuron';
import { tritonTrtllmRecipe } from './triton-trtllm';
import { downloadPlan } from './downloads';
import { assertModelFitsEngine, recipeWarnings } from './model-fit';
import { withPrefetch } from './prefetch';
import type { ContainerRecipe, EngineOptions } from './types';
import { vllmRecipe } from './vllm';

export * from './types';
export { LLAMA_CPP_IMAGE, NON_ROOT_UID, OLLAMA_IMAGE, SCRATCH_DIR, TEI_IMAGE_REPOSITORY, TEI_VERSION, TGI_IMAGE, TGI_NEURON_IMAGE, TRITON_TRTLLM_IMAGE, VLLM_IMAGE } from './common';
export { downloadPlan, loadedWeightBytes, type DownloadPlan } from './downloads';
export { VLLM_MAX_NUM_SEQS, VLLM_PORT, vllmRecipe } from './vllm';
export { TGI_PORT, tgiRecipe } from './tgi';
export { tgiNeuronRecipe } from './tgi-neuron';
export { FASTCHAT_WORKER_PORT, fastchatVllmRecipe } from './fastchat-vllm';
export { LLAMA_CPP_PORT, llamaCppRecipe } from './llama-cpp';
export { OLLAMA_PORT, ollamaModelName, ollamaRecipe } from './ollama';
export { TEI_METRICS_PORT, TEI_PORT, teiImageFor, teiRecipe } from './tei';
export { TRITON_HTTP_PORT, TRITON_METRICS_PORT, tritonTrtllmRecipe } from './triton-trtllm';

/** The recipe of the plan's engine (with the weight download step when `options.prefetch` asks). */
export function recipeFor(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertModelFitsEngine(plan);
  const recipe = withPrefetch(engineRecipe(plan, options), plan, options);
  return { ...recipe, downloadBytes: downloadPlan(plan, options).bytes, warnings: recipeWarnings(plan, options) };
}

/** One adapter per engine: a Record over the engine union, so a new engine without an adapter does not compile. */
const ADAPTERS: Readonly<Record<ModelPlan['engine'], (plan: ModelPlan, options: EngineOptions) => ContainerRecipe>> = {
  vllm: vllmRecipe,
  tgi: tgiRecipe,
  'tgi-neuron': tgiNeuronRecipe,
  'fastchat-vllm': fastchatVllmRecipe,
  'llama-cpp': llamaCppRecipe,
  ollama: ollamaRecipe,
  tei: teiRecipe,
  'triton-trtllm': tritonTrtllmRecipe,
};

function engineRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  const adapter = ADAPTERS[plan.engine] as ((plan: ModelPlan, options: EngineOptions) => ContainerRecipe) | undefined;
  if (adapter === undefined) throw new Error(`no adapter for engine ${String(plan.engine)}`);
  return adapter(plan, options);
}

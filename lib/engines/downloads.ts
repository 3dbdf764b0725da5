import type { ModelArchitecture } from '../catalog/types';
import { checkpointBytes } from '../sizing/quantization';
import type { ModelPlan, Quantization } from '../sizing/types';
import { weightsRepo } from './common';
import type { EngineOptions } from './types';

/**
 * What an engine DOWNLOADS for a plan, which is not what it serves: formats quantized at load fetch the
 * 16-bit checkpoint, and hub repos carry duplicate copies of the weights that some engines fetch too.
 * The cache size and the startup budget are sized from this, never from the served format.
 */

/**
 * Copies of the weights besides the Hugging Face shards, per hub repo (same bytes as the shards):
 * - `original`: Meta-format `original/consolidated.*.pth` (every meta-llama Llama 3.x repo's file tree,
 *   e.g. https://huggingface.co/meta-llama/Llama-3.1-70B-Instruct/tree/main/original, ~141 GB for 70B).
 * - `consolidated`: a top-level Mistral-format `consolidated.safetensors` next to `model-0000N-of-00003`
 *   (https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3/tree/main, 14.5 GB each way).
 */
interface RepoCopies {
  readonly original?: boolean;
  readonly consolidated?: boolean;
}

const REPO_COPIES: ReadonlyArray<{ readonly repo: RegExp; readonly copies: RepoCopies }> = [
  { repo: /^meta-llama\/(Meta-)?Llama-3/, copies: { original: true } },
  { repo: /^mistralai\/Mistral-7B-(Instruct-)?v0\.3$/, copies: { consolidated: true } },
];

export function repoCopies(repo: string): RepoCopies {
  return REPO_COPIES.find((entry) => entry.repo.test(repo))?.copies ?? {};
}

/**
 * Formats the engine quantizes while loading: it downloads the 16-bit checkpoint. TGI: `--quantize
 * eetq|bitsandbytes|bitsandbytes-nf4|fp8` quantize a 16-bit checkpoint at load (TGI
 * docs/source/conceptual/quantization.md). vLLM: `--quantization fp8` on a 16-bit checkpoint is dynamic
 * FP8 (vLLM docs/features/quantization/fp8.md "Online Dynamic Quantization"), bitsandbytes 4-bit in flight.
 */
const LOAD_TIME: Readonly<Partial<Record<ModelPlan['engine'], readonly Quantization[]>>> = {
  vllm: ['fp8', 'bitsandbytes-nf4'],
  'fastchat-vllm': ['fp8', 'bitsandbytes-nf4'],
  tgi: ['eetq', 'bitsandbytes-8bit', 'bitsandbytes-nf4', 'fp8'],
};

/**
 * Bytes of weights the engine reads: the 16-bit checkpoint for formats quantized at load, unless the
 * checkpoint is natively in that format (DeepSeek-V3's fp8 release is downloaded as fp8).
 */
export function loadedWeightBytes(engine: ModelPlan['engine'], model: ModelArchitecture, quantization: Quantization): number {
  const atLoad = (LOAD_TIME[engine] ?? []).includes(quantization) && model.nativeQuantization !== quantization;
  return checkpointBytes(model, atLoad ? 'none' : quantization);
}

/**
 * `snapshot_download` patterns of the prefetch step: what the engine loads and nothing else. Weights are
 * the safetensors shards; `original/` (Meta .pth copies and their tokenizer, which neither vLLM nor TGI
 * read) and `consolidated*.safetensors` (the Mistral-format copy, unused once the HF shards are there)
 * are left out. Small files (config, tokenizer, chat template) come along. huggingface_hub matches with
 * `fnmatch`, whose `*` crosses `/`: `original/*` is the whole directory (vLLM's own `original/**\/*`
 * needs a second `/` and would not match `original/consolidated.00.pth`).
 */
export const PREFETCH_ALLOW = ['*.safetensors', '*.json', 'tokenizer*', '*.model', '*.tiktoken', '*.txt', '*.jinja'] as const;
export const PREFETCH_IGNORE = ['original/*', 'consolidated*.safetensors'] as const;

/**
 * The Neuron backend runs its own `snapshot_download(model_id, ignore_patterns="*.bin")`
 * (backends/neuron/server/text_generation_server/model.py @ v3.3.6) at every start: everything but
 * `.bin`, copies included. Prefetching less would only move that download into the server container.
 */
export const NEURON_IGNORE = ['*.bin'] as const;

export interface DownloadPlan {
  readonly repo: string;
  readonly allowPatterns?: readonly string[];
  readonly ignorePatterns: readonly string[];
  /** Bytes that land on the cache volume (weights and their duplicate copies; small files excluded). */
  readonly bytes: number;
}

/**
 * What lands on the cache for this plan. Without prefetch, vLLM (`*.safetensors`, duplicates filtered only
 * after download, vllm/model_executor/model_loader/default_loader.py `_prepare_weights`) and TGI (every
 * top-level `*.safetensors`, server/text_generation_server/utils/hub.py `weight_hub_files` @ v3.3.7)
 * fetch the consolidated copy too. With prefetch the engine runs offline on exactly the prefetched files.
 */
export function downloadPlan(plan: ModelPlan, options: EngineOptions): DownloadPlan {
  const repo = plan.quantization.startsWith('gguf-') ? (options.ggufRepo ?? plan.model.id) : weightsRepo(plan, options);
  const weights = loadedWeightBytes(plan.engine, plan.model, plan.quantization);
  const copies = options.checkpoint ? {} : repoCopies(repo);
  switch (plan.engine) {
    case 'tgi-neuron':
      return { repo, ignorePatterns: NEURON_IGNORE, bytes: weights * (1 + Number(!!copies.original) + Number(!!copies.consolidated)) };
    case 'vllm':
    case 'fastchat-vllm':
    case 'tgi': {
      const duplicates = !options.prefetch && copies.consolidated ? 1 : 0;
      return { repo, allowPatterns: PREFETCH_ALLOW, ignorePatterns: PREFETCH_IGNORE, bytes: weights * (1 + duplicates) };
    }
    default:
      // TEI: model.safetensors (or its index's shards); llama.cpp/Ollama: one GGUF file; Triton: its own pipeline.
      return { repo, ignorePatterns: [], bytes: weights };
  }
}

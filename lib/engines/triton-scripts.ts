/**
 * The shell steps of the Triton + TensorRT-LLM recipe: constant bash scripts, parameterised by the
 * `LLMC_*` environment variables the recipe sets (so a manifest shows every value, and `extraEnv` can
 * override one). Pure data, no cdk8s. Each step runs under `set -euo pipefail`, bounds every phase with
 * `timeout`, and exits non-zero with a message naming what failed.
 *
 * Paths inside the NGC image `nvcr.io/nvidia/tritonserver:<yy.mm>-trtllm-python-py3` (25.x):
 * - `/app/all_models/inflight_batcher_llm/{ensemble,preprocessing,tensorrt_llm,postprocessing}` and
 *   `/app/tools/fill_template.py`: the TensorRT-LLM backend's Dockerfile copies `triton_backend/all_models`,
 *   `tools`, `scripts` and TensorRT-LLM's `examples` under `/app` (tensorrtllm_backend
 *   `dockerfile/Dockerfile.triton.trt_llm_backend`, final stage: `WORKDIR /app`, `COPY ... all_models`,
 *   `COPY ... tools`, `COPY ... examples`); used as such against the 25.05/25.06 images in public guides.
 * - `/app/examples/models/core/<family>/convert_checkpoint.py`: "convert_checkpoint.py lives at
 *   /app/examples/models/core/llama/ in the 25.06 image" (a measured TP-2 build script); images before
 *   TensorRT-LLM 0.19 have `/app/examples/<family>/` (see `TRTLLM_EXAMPLES_DIRS`); the flags
 *   `--model_dir --output_dir --dtype --tp_size --pp_size` are those of TensorRT-LLM
 *   `examples/models/core/{gpt,llama,qwen}` (gpt README: "2-way tensor parallelism and 2-way pipeline
 *   parallelism: convert_checkpoint.py --tp_size 2 --pp_size 2").
 * - `trtllm-build --checkpoint_dir --output_dir --gemm_plugin --max_batch_size --max_input_len
 *   --max_seq_len --max_num_tokens --workers` (TensorRT-LLM gpt README, tensorrtllm_backend README
 *   "Build LLaMA v3 70B using 4-way tensor parallelism and 2-way pipeline parallelism"). It needs a GPU:
 *   TensorRT times kernels on the device it builds for, and the engine only runs on that architecture.
 */

/** Environment variables the scripts read (all set by the recipe; `set -u` fails on a missing one). */
export const TRITON_ENV = {
  /** Hub repo of the checkpoint (weights and tokenizer). */
  repo: 'LLMC_REPO',
  /** Engine directory: absolute, or relative to `cacheDir`. */
  engineDir: 'LLMC_ENGINE_DIR',
  /** `build` (convert + trtllm-build when the directory is empty) or `prebuilt` (never build). */
  engineSource: 'LLMC_ENGINE_SOURCE',
  /** Mount path of the model cache. */
  cacheDir: 'LLMC_CACHE_DIR',
  modelRepository: 'LLMC_MODEL_REPOSITORY',
  /** File in which the init step records the checkpoint's snapshot directory for the server. */
  checkpointFile: 'LLMC_CHECKPOINT_FILE',
  downloadTimeout: 'LLMC_DOWNLOAD_TIMEOUT',
  downloadRetries: 'LLMC_DOWNLOAD_RETRIES',
  layoutTimeout: 'LLMC_LAYOUT_TIMEOUT',
  kvCacheFreeFraction: 'LLMC_KV_CACHE_FREE_GPU_MEM_FRACTION',
  maxBatchSize: 'LLMC_MAX_BATCH_SIZE',
  tpSize: 'LLMC_TP_SIZE',
  ppSize: 'LLMC_PP_SIZE',
  worldSize: 'LLMC_WORLD_SIZE',
  dtype: 'LLMC_DTYPE',
  convertTimeout: 'LLMC_CONVERT_TIMEOUT',
  buildTimeout: 'LLMC_BUILD_TIMEOUT',
  maxInputLen: 'LLMC_MAX_INPUT_LEN',
  maxSeqLen: 'LLMC_MAX_SEQ_LEN',
  /** Tokens per engine step, `trtllm-build --max_num_tokens` (the name avoids "TOKEN": literal env names never look like secrets). */
  maxStepSize: 'LLMC_MAX_STEP_SIZE',
} as const;

/** Inflight-batcher model templates and the filler, inside the image. */
export const TRTLLM_TEMPLATES_DIR = '/app/all_models/inflight_batcher_llm';
export const TRTLLM_FILL_TEMPLATE = '/app/tools/fill_template.py';
/**
 * TensorRT-LLM's examples, where the converters live: `models/core/<family>` since the 0.19 reorganisation
 * (25.05+ images), `<family>` before (the pinned 25.02 image ships TensorRT-LLM 0.17.0.post1, per the
 * Triton server's docs/introduction/compatibility.md; a 25.01 image runs `/app/examples/qwen/convert_checkpoint.py`
 * in a public AKS walkthrough). The serve step looks in both, newest layout first.
 */
export const TRTLLM_EXAMPLES_DIRS = ['/app/examples/models/core', '/app/examples'] as const;
/** The four models of the ensemble pipeline (tokenize -> TensorRT-LLM -> detokenize); clients call `ensemble`. */
export const TRITON_PIPELINE_MODELS = ['ensemble', 'preprocessing', 'tensorrt_llm', 'postprocessing'] as const;

/**
 * Hugging Face `model_type` -> TensorRT-LLM example directory whose `convert_checkpoint.py` converts it.
 * Mistral and Mixtral are Llama to TensorRT-LLM (`tensorrt_llm/models/__init__.py` MODEL_MAP:
 * `'MistralForCausalLM': LLaMAForCausalLM`, `'MixtralForCausalLM': LLaMAForCausalLM`). Other families
 * have converters with other flags (gemma: `--model-dir`, `--world-size`): serve them as prebuilt engines.
 */
export const TRTLLM_CONVERTERS: Readonly<Record<string, string>> = {
  gpt2: 'gpt',
  llama: 'llama',
  mistral: 'llama',
  mixtral: 'llama',
  qwen2: 'qwen',
};

/** Lines shared by both steps: strict mode, a loud `fail`, and the engine directory resolved. */
const PRELUDE = [
  'set -euo pipefail',
  'fail() { echo "triton-trtllm [$0]: $*" >&2; exit 1; }',
  'case "$LLMC_ENGINE_SOURCE" in build|prebuilt) ;; *) fail "LLMC_ENGINE_SOURCE must be build or prebuilt, got $LLMC_ENGINE_SOURCE" ;; esac',
  'case "$LLMC_ENGINE_DIR" in /*) engine_dir="$LLMC_ENGINE_DIR" ;; *) engine_dir="$LLMC_CACHE_DIR/$LLMC_ENGINE_DIR" ;; esac',
];

/**
 * Init step (CPU only, before the server starts): (1) download the checkpoint into the hub cache on the
 * model cache volume (safetensors, else .bin; only tokenizer and config files for prebuilt engines),
 * each attempt bounded and retried; (2) lay out the inflight-batcher model repository with the engine
 * directory and tokenizer filled in, and check that no required placeholder is left.
 */
export const PREPARE_SCRIPT = [
  ...PRELUDE,
  '',
  '# Phase 1: the checkpoint, by hub snapshot (HF_HOME is on the model cache; HF_TOKEN by secret reference).',
  'fetch() {',
  '  timeout "$LLMC_DOWNLOAD_TIMEOUT" python3 - "$LLMC_REPO" "$LLMC_ENGINE_SOURCE" <<"PY"',
  'import glob, os, sys',
  'from huggingface_hub import snapshot_download',
  'repo, source = sys.argv[1], sys.argv[2]',
  'meta = ["*.json", "*.txt", "*.model", "*.tiktoken"]',
  'if source == "prebuilt":',
  '    path = snapshot_download(repo, allow_patterns=meta)',
  'else:',
  '    path = snapshot_download(repo, allow_patterns=meta + ["*.safetensors"])',
  '    if not glob.glob(os.path.join(path, "*.safetensors")):',
  '        path = snapshot_download(repo, allow_patterns=meta + ["*.bin"])',
  'print(path)',
  'PY',
  '}',
  'attempt=1',
  'until checkpoint=$(fetch | tail -n 1) && [ -f "$checkpoint/config.json" ]; do',
  '  [ "$attempt" -lt "$LLMC_DOWNLOAD_RETRIES" ] || fail "download of $LLMC_REPO failed $attempt times (each attempt limited to $LLMC_DOWNLOAD_TIMEOUT s)"',
  '  echo "download attempt $attempt of $LLMC_REPO failed; retrying" >&2',
  '  sleep $((attempt * 15)); attempt=$((attempt + 1))',
  'done',
  'printf "%s\\n" "$checkpoint" > "$LLMC_CHECKPOINT_FILE"',
  'echo "checkpoint of $LLMC_REPO in $checkpoint"',
  '',
  '# Phase 2: the model repository, from the templates the image ships.',
  'rm -rf "$LLMC_MODEL_REPOSITORY"',
  'mkdir -p "$LLMC_MODEL_REPOSITORY"',
  `for model in ${TRITON_PIPELINE_MODELS.join(' ')}; do`,
  `  [ -d "${TRTLLM_TEMPLATES_DIR}/$model" ] || fail "${TRTLLM_TEMPLATES_DIR}/$model is not in this image (not a Triton TensorRT-LLM image?)"`,
  `  cp -r "${TRTLLM_TEMPLATES_DIR}/$model" "$LLMC_MODEL_REPOSITORY/"`,
  'done',
  '# fill <model> key:value...: keys the template does not have are skipped (fill_template.py asserts each key',
  '# exists, and the set of placeholders changes between releases).',
  'fill() {',
  '  local file="$LLMC_MODEL_REPOSITORY/$1/config.pbtxt" subs="" pair',
  '  shift',
  '  for pair in "$@"; do',
  '    if grep -qF "\\${${pair%%:*}}" "$file"; then subs="${subs:+$subs,}$pair"; fi',
  '  done',
  '  [ -n "$subs" ] || return 0',
  `  timeout "$LLMC_LAYOUT_TIMEOUT" python3 ${TRTLLM_FILL_TEMPLATE} -i "$file" "$subs" || fail "fill_template.py failed on $file"`,
  '}',
  'batch="$LLMC_MAX_BATCH_SIZE"',
  'fill ensemble "triton_max_batch_size:$batch" "logits_datatype:TYPE_FP32"',
  'fill preprocessing "tokenizer_dir:$checkpoint" "engine_dir:$engine_dir" "triton_max_batch_size:$batch" "preprocessing_instance_count:1"',
  'fill tensorrt_llm "triton_backend:tensorrtllm" "triton_max_batch_size:$batch" "decoupled_mode:false" "engine_dir:$engine_dir" \\',
  '  "batching_strategy:inflight_fused_batching" "kv_cache_free_gpu_mem_fraction:$LLMC_KV_CACHE_FREE_GPU_MEM_FRACTION" \\',
  '  "exclude_input_in_output:True" "encoder_input_features_data_type:TYPE_FP16" "prompt_embedding_table_data_type:TYPE_FP16" "logits_datatype:TYPE_FP32"',
  'fill postprocessing "tokenizer_dir:$checkpoint" "triton_max_batch_size:$batch" "postprocessing_instance_count:1"',
  'grep -qF "$engine_dir" "$LLMC_MODEL_REPOSITORY/tensorrt_llm/config.pbtxt" || fail "tensorrt_llm/config.pbtxt does not name the engine directory"',
  'grep -qF "$checkpoint" "$LLMC_MODEL_REPOSITORY/preprocessing/config.pbtxt" || fail "preprocessing/config.pbtxt does not name the tokenizer"',
  '# A placeholder left outside quotes (a number, a data type) would fail the model load much later: fail now.',
  'if left=$(grep -rnE \'(^|[^"])[$][{][A-Za-z_]+[}]\' --include=config.pbtxt "$LLMC_MODEL_REPOSITORY"); then',
  '  fail "unfilled placeholders: $left"',
  'fi',
  'echo "model repository ready in $LLMC_MODEL_REPOSITORY (engines: $engine_dir)"',
].join('\n');

const CONVERTER_CASES = Object.entries(TRTLLM_CONVERTERS).map(([type, dir]) => `  ${type}) family=${dir} ;;`);

/**
 * Server container: (3) unless the engine directory already holds a complete engine set (`config.json`
 * and one `rank<N>.engine` per GPU), convert the checkpoint for TP x PP and run `trtllm-build` into a
 * work directory on the cache, then publish it with one `mv` (atomic rename: a restart or another
 * replica on a shared cache sees all engines or none, and reuses them); prebuilt engines are never
 * built, only checked. (4) `exec` Triton: one process for one GPU, else MPI leader mode (one
 * tritonserver per rank under `mpirun`; ranks > 0 load only `tensorrt_llm` and never open ports),
 * exactly as TensorRT-LLM's `triton_backend/scripts/launch_triton_server.py` assembles the command. That
 * script is not used itself: it starts `mpirun` with `subprocess.Popen` and returns, which would end a
 * container whose main process it is. The script's positional arguments (`$@`) are the recipe's
 * tritonserver args, so `extraArgs` reach every rank.
 */
export const SERVE_SCRIPT = [
  ...PRELUDE,
  'ranks() { find "$1" -maxdepth 1 -name "rank*.engine" 2>/dev/null | wc -l; }',
  'complete() { [ -f "$1/config.json" ] && [ "$(ranks "$1")" -eq "$LLMC_WORLD_SIZE" ]; }',
  '',
  'if complete "$engine_dir"; then',
  '  echo "TensorRT-LLM engines for TP $LLMC_TP_SIZE x PP $LLMC_PP_SIZE found in $engine_dir: no build"',
  'elif [ "$LLMC_ENGINE_SOURCE" = prebuilt ]; then',
  '  fail "prebuilt engines missing: $engine_dir must hold config.json and $LLMC_WORLD_SIZE rank*.engine files (TP $LLMC_TP_SIZE x PP $LLMC_PP_SIZE), it has $(ranks "$engine_dir")"',
  'else',
  '  # Phase 3: convert + build, each bounded (the startup probe budget covers both).',
  '  checkpoint=$(cat "$LLMC_CHECKPOINT_FILE") || fail "no checkpoint path in $LLMC_CHECKPOINT_FILE (written by the prepare-model-repository init step)"',
  '  model_type=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[\\"model_type\\"])" "$checkpoint/config.json") || fail "cannot read model_type from $checkpoint/config.json"',
  '  case "$model_type" in',
  ...CONVERTER_CASES,
  '  *) fail "no TensorRT-LLM checkpoint converter for model_type $model_type in this recipe; build the engines yourself and serve them with trtllmEngineDir" ;;',
  '  esac',
  '  convert=""',
  `  for dir in ${TRTLLM_EXAMPLES_DIRS.map((d) => `${d}/$family`).join(' ')}; do`,
  '    if [ -f "$dir/convert_checkpoint.py" ]; then convert="$dir/convert_checkpoint.py"; break; fi',
  '  done',
  `  [ -n "$convert" ] || fail "this image has no convert_checkpoint.py for $family under ${TRTLLM_EXAMPLES_DIRS.join(' or ')}"`,
  '  parent=$(dirname "$engine_dir")',
  '  mkdir -p "$parent"',
  '  # A pod killed mid-build leaves its work directory behind; one older than the longest build is dead.',
  '  find "$parent" -maxdepth 1 -name "$(basename "$engine_dir").partial-*" -mmin +$(( (LLMC_CONVERT_TIMEOUT + LLMC_BUILD_TIMEOUT) / 60 + 1 )) -exec rm -rf {} + || true',
  '  work="$engine_dir.partial-$HOSTNAME"',
  '  rm -rf "$work"',
  '  echo "converting $checkpoint (model_type $model_type, $LLMC_DTYPE) for TP $LLMC_TP_SIZE x PP $LLMC_PP_SIZE"',
  '  timeout "$LLMC_CONVERT_TIMEOUT" python3 "$convert" --model_dir "$checkpoint" --output_dir "$work/checkpoint" \\',
  '    --dtype "$LLMC_DTYPE" --tp_size "$LLMC_TP_SIZE" --pp_size "$LLMC_PP_SIZE" \\',
  '    || fail "checkpoint conversion failed or exceeded $LLMC_CONVERT_TIMEOUT s"',
  '  echo "building TensorRT-LLM engines for $engine_dir"',
  '  timeout "$LLMC_BUILD_TIMEOUT" trtllm-build --checkpoint_dir "$work/checkpoint" --output_dir "$work/engines" \\',
  '    --gemm_plugin auto --max_batch_size "$LLMC_MAX_BATCH_SIZE" --max_input_len "$LLMC_MAX_INPUT_LEN" \\',
  '    --max_seq_len "$LLMC_MAX_SEQ_LEN" --max_num_tokens "$LLMC_MAX_STEP_SIZE" --workers "$LLMC_WORLD_SIZE" \\',
  '    || fail "trtllm-build failed or exceeded $LLMC_BUILD_TIMEOUT s"',
  '  complete "$work/engines" || fail "trtllm-build wrote $(ranks "$work/engines") rank engines, expected $LLMC_WORLD_SIZE"',
  '  if ! mv -T "$work/engines" "$engine_dir"; then',
  '    complete "$engine_dir" || fail "cannot publish the engines: an incomplete $engine_dir is in the way (remove it)"',
  '    echo "another replica published $engine_dir first: using it"',
  '  fi',
  '  rm -rf "$work"',
  'fi',
  '',
  '# Phase 4: serve. Rank 0 opens HTTP, gRPC and metrics; other ranks stay in model initialisation.',
  'if [ "$LLMC_WORLD_SIZE" -eq 1 ]; then',
  '  exec tritonserver "$@" --backend-config=python,shm-region-prefix-name=prefix0_',
  'fi',
  'cmd=(mpirun --allow-run-as-root)',
  'for ((rank = 0; rank < LLMC_WORLD_SIZE; rank++)); do',
  '  if [ "$rank" -gt 0 ]; then cmd+=(:); fi',
  '  cmd+=(-n 1 tritonserver "$@" "--backend-config=python,shm-region-prefix-name=prefix${rank}_")',
  '  if [ "$rank" -gt 0 ]; then cmd+=(--model-control-mode=explicit --load-model=tensorrt_llm); fi',
  'done',
  'echo "launching ${cmd[*]}"',
  'exec "${cmd[@]}"',
].join('\n');

/** Every `LLMC_*` variable a script reads. */
export function scriptVariables(script: string): string[] {
  return [...new Set(script.match(/LLMC_[A-Z_]+/g) ?? [])].sort();
}

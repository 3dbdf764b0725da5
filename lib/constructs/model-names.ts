import type { LlmWorker } from './llm-worker';

/**
 * One served model name may stand for several worker groups (the same model on a T4 pool and on an inf2
 * pool, say): the gateway spreads requests over them, as LiteLLM does for several deployments sharing a
 * `model_name` (docs.litellm.ai/docs/proxy/load_balancing) and FastChat's controller for workers that
 * register the same name. That is intended only when every worker of the name sets `servedModelName` itself
 * and they serve the same model, of the same kind (chat or embeddings); anything else is a collision.
 */
export function modelNameErrors(owner: string, workers: readonly LlmWorker[]): string[] {
  const byName = new Map<string, LlmWorker[]>();
  for (const w of workers) byName.set(w.modelName, [...(byName.get(w.modelName) ?? []), w]);
  const errors: string[] = [];
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const models = new Set(group.map((w) => w.plan.model.id));
    const kinds = new Set(group.map((w) => isEmbedding(w)));
    const implicit = group.filter((w) => !w.servedModelNameSet);
    if (implicit.length === 0 && models.size === 1 && kinds.size === 1) continue;
    const why =
      models.size > 1
        ? `they serve different models (${[...models].join(', ')})`
        : kinds.size > 1
          ? 'some serve chat and some embeddings'
          : `${implicit.map((w) => w.node.path).join(', ')} did not choose the name (servedModelName unset)`;
    errors.push(
      `${owner}: served model name '${name}' is used by ${group.map((w) => w.node.path).join(' and ')}, but ${why}: clients could not tell them apart. ` +
        'Set a distinct servedModelName, or, to serve one model from several worker groups behind one name, set the same servedModelName on each.',
    );
  }
  return errors;
}

function isEmbedding(worker: LlmWorker): boolean {
  return worker.plan.engine === 'tei' || worker.plan.model.embedding === true;
}

import type { IInferenceBackend } from './inference-backend';

/**
 * One served model name may stand for several backends (the same model on a T4 pool and on an inf2 pool,
 * say, or in the cluster and at an external endpoint): the gateway spreads requests over them, as LiteLLM
 * does for several deployments sharing a `model_name` (docs.litellm.ai/docs/proxy/load_balancing) and
 * FastChat's controller for workers that register the same name. That is intended only when every backend
 * of the name sets `servedModelName` itself and they serve the same model, of the same kind (chat or
 * embeddings); anything else is a collision.
 */
export function modelNameErrors(owner: string, backends: readonly IInferenceBackend[]): string[] {
  const byName = new Map<string, IInferenceBackend[]>();
  for (const b of backends) byName.set(b.modelName, [...(byName.get(b.modelName) ?? []), b]);
  const errors: string[] = [];
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const models = new Set(group.map((b) => b.modelId));
    const kinds = new Set(group.map((b) => b.embedding));
    const implicit = group.filter((b) => !b.servedModelNameSet);
    if (implicit.length === 0 && models.size === 1 && kinds.size === 1) continue;
    const why =
      models.size > 1
        ? `they serve different models (${[...models].join(', ')})`
        : kinds.size > 1
          ? 'some serve chat and some embeddings'
          : `${implicit.map((b) => b.node.path).join(', ')} did not choose the name (servedModelName unset)`;
    errors.push(
      `${owner}: served model name '${name}' is used by ${group.map((b) => b.node.path).join(' and ')}, but ${why}: clients could not tell them apart. ` +
        'Set a distinct servedModelName, or, to serve one model from several backends behind one name, set the same servedModelName on each.',
    );
  }
  return errors;
}

import { JsonPatch, type ApiObject } from 'cdk8s';

/**
 * cdk8s gives every object of a namespaced Chart the chart's namespace. Cluster-scoped kinds (RBAC,
 * RuntimeClass, Karpenter's NodePool and EC2NodeClass) must have none, or the API server rejects them.
 */
export function clusterScoped<T extends ApiObject>(object: T): T {
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return object;
}

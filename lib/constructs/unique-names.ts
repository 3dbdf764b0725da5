/**
 * Object names unique across the whole app: two objects with the same kind, namespace and name would
 * overwrite each other when applied (e.g. two `LlmWorker(…, 'chat')` under different parents of one
 * Chart both emit `Deployment/<chart>-chat`). Checked once per App at synth, over every Chart, with an
 * error that names both construct paths.
 */
import { ApiObject } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';

/** Kinds without a namespace: their names are unique cluster-wide. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'IngressClass',
  'GatewayClass',
  'NodePool',
  'NodeClaim',
  'EC2NodeClass',
  'ClusterTriggerAuthentication',
]);
const GUARDED = Symbol.for('llm-constructs.uniqueNames');

/** Registers the app-wide name check on the scope's App (once per App; any construct may call it). */
export function checkNamesAppWide(scope: Construct): void {
  const root = scope.node.root as IConstruct & { [GUARDED]?: true };
  if (root[GUARDED]) return;
  Object.defineProperty(root, GUARDED, { value: true });
  root.node.addValidation({ validate: () => nameCollisions(root) });
}

function nameCollisions(root: IConstruct): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const construct of root.node.findAll()) {
    if (!(construct instanceof ApiObject)) continue;
    const namespace = CLUSTER_SCOPED.has(construct.kind) ? undefined : construct.metadata.namespace;
    const key = `${construct.apiGroup}/${construct.kind}/${namespace ?? ''}/${construct.name}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, construct.node.path);
      continue;
    }
    const where = namespace === undefined ? '' : ` in namespace '${namespace}'`;
    errors.push(
      `${construct.kind} '${construct.name}'${where} is emitted by both ${first} and ${construct.node.path}: ` +
        'object names must be unique across the app (give one construct another id or set its name prop)',
    );
  }
  return errors;
}

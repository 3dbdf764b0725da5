/**
 * The one place that validates synthesized objects against UPSTREAM schemas:
 * - core Kubernetes kinds: `kubernetes-models` (v4: CommonJS, generated from the Kubernetes OpenAPI);
 * - monitoring.coreos.com: `@kubernetes-models/prometheus-operator` (v4, CommonJS);
 * - every other CRD (Karpenter, Gateway API, KEDA, LeaderWorkerSet, InferencePool): the CRD's own
 *   `openAPIV3Schema` vendored under schemas/crds (provenance in schemas/crds/SOURCES.md), compiled with ajv.
 * An object whose (apiVersion, kind) has no validator fails: nothing is emitted unchecked.
 */
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

type Validator = (object: K8sObject) => void;

/** The CRD manifests vendored in this repository (never a path outside it). */
export const CRDS_DIR = path.join(__dirname, '..', '..', 'schemas', 'crds');

/** kubernetes-models module path for a core apiVersion: `apps/v1` -> `apps/v1`, `v1` -> `v1`. */
function kubernetesModel(apiVersion: string, kind: string): Validator | undefined {
  if (apiVersion.includes('.') && !apiVersion.includes('.k8s.io')) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
    return (object) => new Model(object).validate();
  } catch {
    return undefined;
  }
}

function prometheusOperatorModel(apiVersion: string, kind: string): Validator | undefined {
  if (!apiVersion.startsWith('monitoring.coreos.com/')) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = require(`@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`)[kind];
    return (object) => new Model(object).validate();
  } catch {
    return undefined;
  }
}

/**
 * CRD patterns are Go (RE2) regular expressions; some start with the inline flag `(?i)`, which
 * JavaScript lacks: turn it into the `i` flag.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  return pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

/** OpenAPI formats that CRD schemas use; types are checked by the schema itself, the formats are annotations. */
const OPENAPI_FORMATS = Object.fromEntries(
  ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'date-time', 'date', 'duration', 'uri', 'hostname', 'ipv4', 'ipv6', 'cidr', 'uuid', 'password', 'email'].map((f) => [f, true as const]),
);

const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp }, formats: OPENAPI_FORMATS });
/** CRD schemas by `group/version/Kind`, compiled on first use. */
const crdSchemas = new Map<string, object>();
const crdValidators = new Map<string, Validator>();

/** Schemas from every CRD manifest under schemas/crds, keyed `group/version/Kind`. */
function loadCrdSchemas(): void {
  if (crdSchemas.size > 0) return;
  for (const group of fs.readdirSync(CRDS_DIR)) {
    const dir = path.join(CRDS_DIR, group);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions) {
          const schema = version.schema?.openAPIV3Schema;
          if (schema) crdSchemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, schema);
        }
      }
    }
  }
}

function crdValidator(key: string): Validator | undefined {
  loadCrdSchemas();
  const schema = crdSchemas.get(key);
  if (!schema) return undefined;
  if (!crdValidators.has(key)) {
    const validate = ajv.compile(schema);
    crdValidators.set(key, (object: K8sObject) => {
      const kind = object.kind;
      if (!validate(object)) throw new Error(ajv.errorsText(validate.errors, { dataVar: kind }));
    });
  }
  return crdValidators.get(key);
}

/** The validator for an object's (apiVersion, kind), or undefined when none exists. */
export function validatorFor(apiVersion: string, kind: string): Validator | undefined {
  return kubernetesModel(apiVersion, kind) ?? prometheusOperatorModel(apiVersion, kind) ?? crdValidator(`${apiVersion}/${kind}`);
}

/** Throws with the object's kind/name and every schema error when it does not validate. */
export function validateObject(object: K8sObject): void {
  const validate = validatorFor(object.apiVersion, object.kind);
  if (!validate) throw new Error(`no schema validator for ${object.apiVersion} ${object.kind} (${object.metadata?.name})`);
  try {
    validate(object);
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata?.name} is invalid: ${(error as Error).message}`);
  }
}

/**
 * Kinds that ESM-only npm models (`@kubernetes-models/karpenter`, `/gateway-api`, `/keda`, v2) used to
 * check a second time. Those packages need Node >= 22 (the project supports Node 20) and were dropped:
 * these kinds are validated against their upstream CRD schemas, vendored in schemas/crds at the
 * versions the library targets (Karpenter v1.14.1, Gateway API v1.6.1, KEDA v2.20.2).
 */
const FORMERLY_ESM_KINDS = new Set(['karpenter.sh/v1/NodePool', 'karpenter.k8s.aws/v1/EC2NodeClass', 'gateway.networking.k8s.io/v1/HTTPRoute', 'keda.sh/v1alpha1/ScaledObject']);

/**
 * @deprecated use validateObject on every object (it covers these kinds with their CRD schemas); kept
 * so that tests written against the former ESM validator still compile. Returns `Kind name: error` for
 * each invalid NodePool, EC2NodeClass, HTTPRoute or ScaledObject.
 */
export function validateWithEsmModels(objects: readonly K8sObject[]): string[] {
  return objects
    .filter((object) => FORMERLY_ESM_KINDS.has(`${object.apiVersion}/${object.kind}`))
    .flatMap((object) => {
      try {
        validateObject(object);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    });
}

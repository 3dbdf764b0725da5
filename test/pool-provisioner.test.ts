/**
 * GpuNodePool's `provisioner` union and `plumbing` field: what the types reject at compile time (checked by
 * `npm run typecheck`: an unused `@ts-expect-error` fails it), and what the constructor rejects at run time
 * for JavaScript callers, with errors that name the prop, say what works, and carry the pool's path.
 */
import { Chart, Testing } from 'cdk8s';
import { thrownValidationError } from './support/thrown';
import { GpuNodePool, ValidationError, type GpuNodePoolProps, type PoolProvisioner } from '../lib';

const KARPENTER = { type: 'karpenter', clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' } as const;
const ON_PREM = { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 } as const;

/** What a JavaScript caller may pass: anything. */
const build = (props: unknown, id = 'gpus') => new GpuNodePool(new Chart(Testing.app(), 'stack'), id, props as GpuNodePoolProps);

describe('the types', () => {
  test('an on-prem provisioner needs nodes; a Karpenter provisioner has none', () => {
    // @ts-expect-error nodes is required on-prem
    const noNodes: PoolProvisioner = { type: 'on-prem', acceleratorsPerNode: 8 };
    // @ts-expect-error nodes is not a Karpenter setting
    const karpenterWithNodes: PoolProvisioner = { type: 'karpenter', clusterName: 'prod', nodeRole: 'r', nodes: 4 };
    // @ts-expect-error clusterName and nodeRole are required with Karpenter
    const karpenterWithoutCluster: PoolProvisioner = { type: 'karpenter' };
    // @ts-expect-error the old karpenter prop is gone
    const oldShape: GpuNodePoolProps = { accelerator: 'A10G', karpenter: { clusterName: 'prod', nodeRole: 'r' }, maxAccelerators: 8 };
    // @ts-expect-error plumbing has its own field, not the provisioner's
    const plumbingInProvisioner: GpuNodePoolProps = { provisioner: { ...ON_PREM, installDevicePlugin: true }, accelerator: 'A100-40GB' };
    // At run time they fail too (JavaScript callers have no compiler).
    for (const provisioner of [noNodes, karpenterWithNodes, karpenterWithoutCluster]) expect(() => build({ accelerator: 'A100-40GB', provisioner, maxAccelerators: 8 })).toThrow(ValidationError);
    for (const props of [oldShape, plumbingInProvisioner]) expect(() => build(props)).toThrow(ValidationError);
  });

  test("kind follows the provisioner's type", () => {
    const karpenter: GpuNodePoolProps = { accelerator: 'A10G', provisioner: KARPENTER, plumbing: { installDcgmExporter: true }, maxAccelerators: 8 };
    const onPrem: GpuNodePoolProps = { accelerator: 'A100-40GB', provisioner: ON_PREM, plumbing: { installDevicePlugin: true, namespace: 'gpu-operator' } };
    expect(build(karpenter).kind).toBe('karpenter');
    expect(build(onPrem).kind).toBe('on-prem');
  });
});

describe('JavaScript callers with the earlier props', () => {
  test.each([
    ['karpenter', { accelerator: 'A10G', karpenter: { clusterName: 'prod', nodeRole: 'r' }, maxAccelerators: 8 }, "provisioner: { type: 'karpenter'"],
    ['onPrem', { accelerator: 'A100-40GB', onPrem: { nodes: 2, acceleratorsPerNode: 8 } }, "provisioner: { type: 'on-prem'"],
  ])('%s: an unknown prop that points to provisioner: { type: ... }', (old, props, pointer) => {
    const error = thrownValidationError(() => build(props));
    expect(error).toBeInstanceOf(ValidationError);
    expect({ code: error.code, field: error.field, path: error.path }).toEqual({ code: 'unknown-prop', field: old, path: 'stack/gpus' });
    expect(error.message).toContain(`unknown prop '${old}'`);
    expect(error.message).toContain(pointer);
    expect(error.suggestions.join(' ')).toContain(pointer);
  });

  test.each([
    ['installDevicePlugin', 'installDevicePlugin'],
    ['installDcgmExporter', 'installDcgmExporter'],
    ['gpuSharing', 'gpuSharing'],
    ['plumbingNamespace', 'namespace'],
  ])('plumbing inside the provisioner (%s): points to plumbing.%s', (old, now) => {
    const error = thrownValidationError(() => build({ accelerator: 'A100-40GB', provisioner: { ...ON_PREM, [old]: true } }));
    expect({ code: error.code, field: error.field, path: error.path }).toEqual({ code: 'unknown-prop', field: `provisioner.${old}`, path: 'stack/gpus' });
    expect(error.suggestions).toEqual([`plumbing: { ${now}: ... }`]);
  });
});

describe('runtime checks of the union, with the prop and the path', () => {
  const cases: ReadonlyArray<[string, unknown, string, RegExp]> = [
    ['no provisioner', { accelerator: 'A10G', maxAccelerators: 8 }, 'provisioner', /provisioner must be \{ type: 'karpenter', \.\.\. \} or \{ type: 'on-prem', \.\.\. \}, got undefined/],
    ['provisioner a string', { accelerator: 'A10G', provisioner: 'karpenter', maxAccelerators: 8 }, 'provisioner', /got 'karpenter'/],
    ["provisioner.type 'eks'", { accelerator: 'A10G', provisioner: { ...KARPENTER, type: 'eks' }, maxAccelerators: 8 }, 'provisioner.type', /'karpenter' \(EKS\) or 'on-prem'.*got 'eks'/],
    [
      'a Karpenter provisioner with nodes',
      { accelerator: 'A10G', provisioner: { ...KARPENTER, nodes: 4 }, maxAccelerators: 8 },
      'provisioner.nodes',
      /belongs to on-prem pools \(provisioner.type 'on-prem'\)/,
    ],
    [
      'an on-prem provisioner with a nodeRole',
      { accelerator: 'A100-40GB', provisioner: { ...ON_PREM, nodeRole: 'r' } },
      'provisioner.nodeRole',
      /belongs to karpenter pools \(provisioner.type 'karpenter'\)/,
    ],
    ['instanceTypes on-prem', { accelerator: 'A100-40GB', provisioner: ON_PREM, instanceTypes: ['p4d.24xlarge'] }, 'instanceTypes', /Karpenter pools only \(provisioner.type 'karpenter'\)/],
    ['instanceFamilies on-prem', { accelerator: 'A100-40GB', provisioner: ON_PREM, instanceFamilies: ['p4d'] }, 'instanceFamilies', /Karpenter pools only/],
    ['capacityTypes on-prem', { accelerator: 'A100-40GB', provisioner: ON_PREM, capacityTypes: ['spot'] }, 'capacityTypes', /Karpenter pools only/],
    ['a typo in the provisioner', { accelerator: 'A10G', provisioner: { ...KARPENTER, amiAlas: 'al2023@latest' }, maxAccelerators: 8 }, 'provisioner.amiAlas', /did you mean 'amiAlias'/],
    [
      'a typo in plumbing',
      { accelerator: 'A10G', provisioner: KARPENTER, plumbing: { instalDcgmExporter: true }, maxAccelerators: 8 },
      'plumbing.instalDcgmExporter',
      /did you mean 'installDcgmExporter'/,
    ],
    [
      'plumbing.gpuSharing with one slice',
      { accelerator: 'A10G', provisioner: KARPENTER, plumbing: { gpuSharing: { timeSlicing: { replicas: 1 } } }, maxAccelerators: 8 },
      'plumbing.gpuSharing.timeSlicing.replicas',
      /at least 2/,
    ],
  ];

  test('an error of the plumbing step (a name too long for its DaemonSets) carries the path too', () => {
    const error = thrownValidationError(() => build({ accelerator: 'A100-40GB', provisioner: ON_PREM, plumbing: { installDevicePlugin: true }, name: 'a'.repeat(50) }));
    expect({ code: error.code, field: error.field, path: error.path }).toEqual({ code: 'name-too-long', field: 'name', path: 'stack/gpus' });
    expect(error.message).toMatch(/^GpuNodePool gpus: name 'a{50}' is too long/);
  });

  test.each(cases)('%s', (_title, props, field, message) => {
    const error = thrownValidationError(() => build(props));
    expect(error).toBeInstanceOf(ValidationError);
    expect({ field: error.field, path: error.path }).toEqual({ field, path: 'stack/gpus' });
    expect(error.message).toMatch(/^GpuNodePool gpus: /);
    expect(error.message.split('\n')[0]).toMatch(message);
    expect(error.suggestions.length).toBeGreaterThan(0);
  });
});

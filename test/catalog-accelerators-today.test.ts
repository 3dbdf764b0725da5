/**
 * Accelerators of today (datasheet figures, cited in lib/catalog/sources.ts), accelerator objects
 * passed by users, and form-factor ambiguity (EC2 resolves it; on-prem pools must choose).
 */
import { Chart, Testing } from 'cdk8s';
import { ACCELERATORS, formFactorVariants, lookupAccelerator } from '../lib/catalog/accelerators';
import { lookupInstanceType } from '../lib/catalog/instance-types';
import { SOURCES } from '../lib/catalog/sources';
import type { Accelerator } from '../lib/catalog/types';
import { GB, GiB } from '../lib/catalog/units';
import { GpuNodePool, LlmWorker } from '../lib/constructs';
import { SizingError, ValidationError } from '../lib/errors';
import { planModel } from '../lib/sizing/planner';

/** Datasheet figures: [memory bytes, GB/s, BF16 dense TFLOPS, FP8 dense TFLOPS or undefined, compute capability]. */
const DATASHEETS: Record<string, [number, number, number, number | undefined, number | undefined]> = {
  A10: [24 * GB, 600, 125, undefined, 8.6],
  L40: [48 * GB, 864, 181, 362, 8.9],
  'RTX-6000-Ada': [48 * GB, 960, 364.2, 728.5, 8.9],
  'RTX-A6000': [48 * GB, 768, 154.8, undefined, 8.6],
  'RTX-4090': [24 * GiB, 1008, 165.2, 330.3, 8.9],
  'GH200-96GB': [96 * GB, 4000, 989, 1979, 9.0],
  H20: [96 * GB, 4000, 148, 296, 9.0],
  MI325X: [256 * GB, 6000, 1307.4, 2614.9, undefined],
  trainium2: [96 * GiB, 2900, 667, 1299, undefined],
};

describe('accelerators of today', () => {
  it.each(Object.entries(DATASHEETS))('%s: datasheet figures, cited sources', (id, [memory, bandwidth, bf16, fp8, cc]) => {
    const a = lookupAccelerator(id);
    expect([a.memoryBytes, a.memoryBandwidthGBps, a.denseTflops.bf16, a.denseTflops.fp8, a.computeCapability]).toEqual([memory, bandwidth, bf16, fp8, cc]);
    expect(a.supportsFp8).toBe(fp8 !== undefined);
    for (const key of a.sources) expect(SOURCES[key]).toBeDefined();
  });

  it('resolves by NVML name and alias', () => {
    expect(lookupAccelerator('NVIDIA RTX 6000 Ada Generation').id).toBe('RTX-6000-Ada');
    expect(lookupAccelerator('NVIDIA GeForce RTX 4090').id).toBe('RTX-4090');
    expect(lookupAccelerator('A6000').id).toBe('RTX-A6000');
    expect(lookupAccelerator('GH200').id).toBe('GH200-96GB');
  });

  it('trn2.48xlarge carries 16 Trainium2 chips of 8 NeuronCores (128 in all)', () => {
    const trn2 = lookupInstanceType('trn2.48xlarge');
    expect([trn2.acceleratorId, trn2.acceleratorCount, lookupAccelerator(trn2.acceleratorId).neuronCoresPerDevice! * trn2.acceleratorCount]).toEqual(['trainium2', 16, 128]);
  });

  it('planModel sizes on an H20 server, on-prem', () => {
    const plan = planModel({ model: 'Qwen/Qwen3-32B', accelerator: 'H20', acceleratorsPerNode: 8 });
    expect(plan.accelerator.id).toBe('H20');
    expect(plan.instanceType).toBeUndefined();
  });
});

describe('an Accelerator object', () => {
  const MY_GPU = {
    id: 'RTX-5000-Ada',
    vendor: 'nvidia',
    kind: 'gpu',
    memoryBytes: 32 * GB,
    memoryBandwidthGBps: 576,
    denseTflops: { bf16: 130, fp16: 130, fp8: 261 },
    computeCapability: 8.9,
    supportsBf16: true,
    supportsFp8: true,
  } as unknown as Accelerator;

  it('is accepted by planModel (validated, defaults filled) and known by its id afterwards', () => {
    const plan = planModel({ model: 'Qwen/Qwen3-8B', accelerator: MY_GPU, acceleratorsPerNode: 2 });
    expect(plan.accelerator).toMatchObject({ id: 'RTX-5000-Ada', resourceName: 'nvidia.com/gpu', usableMemoryBytes: 32 * GB, usableMemoryBasis: 'datasheet' });
    expect(lookupAccelerator('RTX-5000-Ada').memoryBandwidthGBps).toBe(576);
  });

  it('is accepted by an on-prem GpuNodePool', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new GpuNodePool(chart, 'ws', { accelerator: MY_GPU, provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 2 } });
    expect(pool.accelerators[0].id).toBe('RTX-5000-Ada');
  });

  it('an LlmWorker on a pool of that accelerator is planned on it and placed by its GFD label', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'llm' });
    const gpu = { ...MY_GPU, id: 'RTX-5000-Ada-32GB', gfdProduct: 'NVIDIA-RTX-5000-Ada-Generation' } as Accelerator;
    const pool = new GpuNodePool(chart, 'ws', { accelerator: gpu, provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 2 } });
    const worker = new LlmWorker(chart, 'qwen', { model: 'Qwen/Qwen3-8B', nodePool: pool });
    expect(worker.plan.accelerator.id).toBe('RTX-5000-Ada-32GB');
    expect(JSON.stringify(Testing.synth(chart))).toContain('NVIDIA-RTX-5000-Ada-Generation');
  });

  it.each([
    ['memoryBytes', { memoryBytes: -1 }, /accelerator.memoryBytes is -1/],
    ['vendor', { vendor: 'intel' }, /accelerator.vendor is 'intel', expected one of nvidia, amd, aws/],
    ['computeCapability', { computeCapability: undefined }, /accelerator.computeCapability is missing/],
    ['denseTflops', { denseTflops: {} }, /accelerator.denseTflops.fp16 is missing/],
    ['id of a catalog entry', { id: 'L40S' }, /accelerator.id 'L40S' is a catalog name with other figures/],
  ])('a bad %s is a SizingError naming the field', (_name, change, message) => {
    const bad = { ...MY_GPU, ...change, id: (change as { id?: string }).id ?? 'Bad-GPU' };
    let error: unknown;
    try {
      lookupAccelerator(bad as Accelerator);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SizingError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('form factors: A100-80GB and H100', () => {
  it('resolve to the documented EC2 part for EC2 shapes', () => {
    expect(lookupAccelerator('A100-80GB').id).toBe('A100-SXM4-80GB'); // p4de.24xlarge
    expect(lookupAccelerator('H100').id).toBe('H100-SXM5-80GB'); // p5.48xlarge
    expect(planModel({ model: 'Qwen/Qwen3-32B', accelerator: 'H100' }).instanceType?.name).toMatch(/^p5\./);
  });

  it('an on-prem pool must name the form factor; the error lists the variants', () => {
    expect(formFactorVariants('a100-80gb')).toEqual(['A100-SXM4-80GB', 'A100-PCIE-80GB']);
    for (const [name, variants] of [
      ['A100-80GB', ['A100-SXM4-80GB', 'A100-PCIE-80GB']],
      ['H100', ['H100-SXM5-80GB', 'H100-PCIE-80GB', 'H100-NVL-94GB']],
    ] as const) {
      const chart = new Chart(Testing.app(), 'c');
      let error: unknown;
      try {
        new GpuNodePool(chart, 'dc', { accelerator: name, provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 8 } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).suggestions).toEqual(variants.map((v) => `accelerator: '${v}'`));
    }
    const chart = new Chart(Testing.app(), 'c');
    expect(new GpuNodePool(chart, 'dc', { accelerator: 'A100-PCIE-80GB', provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 8 } }).accelerators[0].id).toBe('A100-PCIE-80GB');
  });

  it('every catalog accelerator id is unambiguous', () => {
    for (const a of ACCELERATORS) expect(formFactorVariants(a.id)).toBeUndefined();
  });
});

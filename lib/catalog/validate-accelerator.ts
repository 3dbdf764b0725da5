/**
 * An `Accelerator` object passed where a catalog name is accepted (`accelerator: { id: 'MyGPU', ... }`),
 * checked field by field. Optional conveniences are filled in (aliases, sources, displayName, the
 * extended resource of the vendor, usable memory = datasheet memory).
 */
import { describeField } from '../describe';
import { SizingError } from '../errors';
import type { Accelerator, AcceleratorResource } from './types';

const VENDORS = ['nvidia', 'amd', 'aws'] as const;
const KINDS = ['gpu', 'neuron'] as const;
const RESOURCES: Readonly<Record<Accelerator['vendor'], AcceleratorResource>> = { nvidia: 'nvidia.com/gpu', amd: 'amd.com/gpu', aws: 'aws.amazon.com/neuron' };
const EXAMPLE =
  "accelerator: { id: 'RTX-5000-Ada', vendor: 'nvidia', kind: 'gpu', memoryBytes: 32e9, memoryBandwidthGBps: 576, " +
  'denseTflops: { bf16: 130, fp16: 130, fp8: 261 }, computeCapability: 8.9, supportsBf16: true, supportsFp8: true }';

function fail(field: string, value: unknown, expected: string): never {
  throw new SizingError('invalid-accelerator', `accelerator.${field} is ${describeField(value)}, expected ${expected}`, {
    field: `accelerator.${field}`,
    suggestions: [EXAMPLE, 'or a catalog name: llm-constructs catalog accelerators'],
  });
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function validateAccelerator(value: object): Accelerator {
  const a = value as Record<string, unknown>;
  if (typeof a.id !== 'string' || a.id.trim() === '') fail('id', a.id, 'a non-empty name');
  if (!VENDORS.includes(a.vendor as never)) fail('vendor', a.vendor, `one of ${VENDORS.join(', ')}`);
  const vendor = a.vendor as Accelerator['vendor'];
  const kind = a.kind ?? (vendor === 'aws' ? 'neuron' : 'gpu');
  if (!KINDS.includes(kind as never)) fail('kind', a.kind, `one of ${KINDS.join(', ')}`);
  if (!positive(a.memoryBytes)) fail('memoryBytes', a.memoryBytes, 'the memory per device in bytes (e.g. 48e9)');
  const usable = a.usableMemoryBytes ?? a.memoryBytes;
  if (!positive(usable) || usable > (a.memoryBytes as number) * 1.1) fail('usableMemoryBytes', a.usableMemoryBytes, 'bytes software can allocate, at most memoryBytes');
  if (!positive(a.memoryBandwidthGBps)) fail('memoryBandwidthGBps', a.memoryBandwidthGBps, 'GB/s (e.g. 864)');
  const tflops = a.denseTflops as Record<string, unknown> | undefined;
  if (typeof tflops !== 'object' || tflops === null || !positive(tflops.fp16)) fail('denseTflops.fp16', tflops?.fp16, 'dense FP16 tensor TFLOPS');
  for (const key of ['bf16', 'fp8'] as const) if (tflops[key] !== undefined && !positive(tflops[key])) fail(`denseTflops.${key}`, tflops[key], 'a positive number or omitted');
  for (const key of ['supportsBf16', 'supportsFp8'] as const) if (typeof a[key] !== 'boolean') fail(key, a[key], 'true or false');
  if (vendor === 'nvidia' && !(positive(a.computeCapability) && (a.computeCapability as number) < 20)) {
    fail('computeCapability', a.computeCapability, 'the CUDA compute capability, e.g. 8.9 (FP8 needs >= 8.9, bf16 >= 8.0)');
  }
  if (kind === 'neuron' && !(Number.isInteger(a.neuronCoresPerDevice) && (a.neuronCoresPerDevice as number) > 0)) {
    fail('neuronCoresPerDevice', a.neuronCoresPerDevice, 'NeuronCores per device, e.g. 2');
  }
  for (const key of ['aliases', 'sources'] as const) {
    const list = a[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string'))) fail(key, list, 'an array of strings');
  }
  const resourceName = a.resourceName ?? RESOURCES[vendor];
  if (resourceName !== RESOURCES[vendor]) fail('resourceName', a.resourceName, `'${RESOURCES[vendor]}' for vendor ${vendor}`);
  return Object.freeze({
    ...(a as object),
    id: a.id.trim(),
    displayName: typeof a.displayName === 'string' ? a.displayName : a.id.trim(),
    kind,
    aliases: (a.aliases as string[] | undefined) ?? [],
    usableMemoryBytes: usable,
    usableMemoryBasis: a.usableMemoryBasis ?? 'datasheet',
    resourceName,
    sources: (a.sources as string[] | undefined) ?? [],
  }) as unknown as Accelerator;
}

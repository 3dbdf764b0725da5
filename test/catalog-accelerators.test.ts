import { ACCELERATORS, findAccelerator, lookupAccelerator } from '../lib/catalog/accelerators';
import { normalizeName } from '../lib/catalog/nearest';
import { SOURCES } from '../lib/catalog/sources';
import type { Accelerator } from '../lib/catalog/types';
import { GB, GiB, MiB } from '../lib/catalog/units';
import { SizingError } from '../lib/errors';

const byId = (id: string): Accelerator => {
  const found = ACCELERATORS.find((accelerator) => accelerator.id === id);
  if (found === undefined) throw new Error(`no catalog entry ${id}`);
  return found;
};
const nvidia = ACCELERATORS.filter((accelerator) => accelerator.vendor === 'nvidia');

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('accelerator catalog', () => {
  test('holds exactly the canonical ids other code relies on', () => {
    expect(ACCELERATORS.map((accelerator) => accelerator.id).sort()).toEqual(
      [
        'T4',
        'A10G',
        'L4',
        'L40S',
        'V100-SXM2-16GB',
        'V100-SXM2-32GB',
        'A100-SXM4-40GB',
        'A100-SXM4-80GB',
        'A100-PCIE-40GB',
        'A100-PCIE-80GB',
        'H100-SXM5-80GB',
        'H100-PCIE-80GB',
        'H100-NVL-94GB',
        'H200-SXM-141GB',
        'H200-NVL-141GB',
        'B200',
        'MI300X',
        'inferentia2',
        'trainium',
        // accelerators-today.ts (issue 15)
        'A10',
        'L40',
        'RTX-6000-Ada',
        'RTX-A6000',
        'RTX-4090',
        'GH200-96GB',
        'H20',
        'MI325X',
        'trainium2',
      ].sort(),
    );
  });

  test('every source key is listed in SOURCES', () => {
    for (const accelerator of ACCELERATORS) {
      expect(accelerator.sources.length).toBeGreaterThan(0);
      for (const source of accelerator.sources) expect(Object.keys(SOURCES)).toContain(source);
    }
  });

  describe('memory (facts A1, A3, D7)', () => {
    test('datasheet memory per device', () => {
      expect(byId('T4').memoryBytes).toBe(16e9);
      expect(byId('A10G').memoryBytes).toBe(24e9);
      expect(byId('H100-NVL-94GB').memoryBytes).toBe(94e9);
      expect(byId('H200-SXM-141GB').memoryBytes).toBe(141e9);
      expect(byId('MI300X').memoryBytes).toBe(192e9);
      expect(byId('inferentia2').memoryBytes).toBe(32 * 2 ** 30);
    });

    test('usable memory is close to the datasheet figure', () => {
      // HBM parts are marketed in "GB" that are really GiB, so software can see up to 2^30/10^9 (7.4%)
      // more than the GB figure; nothing sees less than 90% of it.
      for (const accelerator of ACCELERATORS) {
        expect(accelerator.usableMemoryBytes).toBeLessThanOrEqual((accelerator.memoryBytes * GiB) / GB);
        expect(accelerator.usableMemoryBytes).toBeGreaterThanOrEqual(accelerator.memoryBytes * 0.9);
        expect(Number.isInteger(accelerator.usableMemoryBytes)).toBe(true);
      }
    });

    test('GPUs with a software-visible total in D7 use it', () => {
      const measuredInD7 = ['T4', 'A10G', 'L4', 'L40S', 'V100-SXM2-16GB', 'V100-SXM2-32GB', 'A100-SXM4-40GB', 'A100-SXM4-80GB', 'H100-SXM5-80GB', 'H100-PCIE-80GB', 'H200-SXM-141GB'];
      for (const id of measuredInD7) expect(byId(id).usableMemoryBasis).toBe('measured');
      const gibOf = (id: string): number => byId(id).usableMemoryBytes / GiB;
      expect(gibOf('T4')).toBeCloseTo(14.75, 2);
      expect(gibOf('A10G')).toBeCloseTo(22.3, 2);
      expect(gibOf('L4')).toBeCloseTo(21.95, 2);
      expect(gibOf('H100-SXM5-80GB')).toBeCloseTo(79.18, 2);
      expect(gibOf('H200-SXM-141GB')).toBeCloseTo(139.8, 2);
    });

    test('B200 uses the EC2-reported figure, others without a measurement the datasheet', () => {
      expect(byId('B200').usableMemoryBasis).toBe('ec2-reported');
      expect(byId('B200').usableMemoryBytes).toBe(183359 * MiB);
      for (const id of ['H100-NVL-94GB', 'MI300X', 'inferentia2', 'trainium']) {
        expect(byId(id).usableMemoryBasis).toBe('datasheet');
        expect(byId(id).usableMemoryBytes).toBe(byId(id).memoryBytes);
      }
    });
  });

  describe('compute and precision (facts A1, A3)', () => {
    test('GFD product label = NVML name with spaces replaced by "-" (GFD sanitise rule)', () => {
      for (const accelerator of nvidia) {
        expect(accelerator.nvmlName).toBeDefined();
        expect(accelerator.gfdProduct).toBe(accelerator.nvmlName?.replace(/\s+/g, '-'));
      }
      expect(byId('T4').gfdProduct).toBe('Tesla-T4');
      expect(byId('A100-PCIE-80GB').gfdProduct).toBe('NVIDIA-A100-80GB-PCIe');
      expect(byId('H100-SXM5-80GB').gfdProduct).toBe('NVIDIA-H100-80GB-HBM3');
    });

    test('BF16 is missing exactly before Ampere (compute capability < 8)', () => {
      for (const accelerator of nvidia) {
        const cc = accelerator.computeCapability ?? NaN;
        expect(accelerator.supportsBf16).toBe(cc >= 8);
        expect(accelerator.denseTflops.bf16 === undefined).toBe(cc < 8);
      }
    });

    test('FP8 is supported exactly from Ada/Hopper on (compute capability >= 8.9)', () => {
      for (const accelerator of nvidia) {
        const cc = accelerator.computeCapability ?? NaN;
        expect(accelerator.supportsFp8).toBe(cc >= 8.9);
        expect(accelerator.denseTflops.fp8 === undefined).toBe(cc < 8.9);
      }
      for (const id of ['MI300X', 'inferentia2', 'trainium']) expect(byId(id).supportsFp8).toBe(true);
    });

    test('only NVIDIA parts carry a compute capability; FP16 is always rated', () => {
      for (const accelerator of ACCELERATORS) {
        expect(accelerator.computeCapability !== undefined).toBe(accelerator.vendor === 'nvidia');
        expect(accelerator.denseTflops.fp16).toBeGreaterThan(0);
        expect(accelerator.memoryBandwidthGBps).toBeGreaterThan(0);
      }
    });

    test('spot-checks of bandwidth and dense TFLOPS', () => {
      expect(byId('H100-SXM5-80GB').memoryBandwidthGBps).toBe(3350);
      expect(byId('H100-SXM5-80GB').denseTflops).toEqual({ bf16: 989, fp16: 989, fp8: 1979 });
      expect(byId('A100-PCIE-80GB').memoryBandwidthGBps).toBe(1935);
      expect(byId('MI300X').denseTflops.fp8).toBe(2614.9);
      expect(byId('inferentia2').memoryBandwidthGBps).toBeCloseTo(880.47, 1); // 820 GiB/s
    });
  });

  describe('Kubernetes names (facts A1, A3, B2)', () => {
    test('resource name and kind follow the vendor', () => {
      const resource = { nvidia: 'nvidia.com/gpu', amd: 'amd.com/gpu', aws: 'aws.amazon.com/neuron' };
      for (const accelerator of ACCELERATORS) {
        expect(accelerator.resourceName).toBe(resource[accelerator.vendor]);
        expect(accelerator.kind).toBe(accelerator.vendor === 'aws' ? 'neuron' : 'gpu');
        // NEURON: 2 NeuronCore-v2 per Inferentia2/Trainium device, 8 NeuronCore-v3 per Trainium2 chip
        expect(accelerator.neuronCoresPerDevice).toBe(accelerator.vendor === 'aws' ? (accelerator.id === 'trainium2' ? 8 : 2) : undefined);
      }
    });

    test('Karpenter names exist exactly for the parts EC2 sells', () => {
      const gpuNames = Object.fromEntries(ACCELERATORS.filter((a) => a.karpenterGpuName !== undefined).map((a) => [a.id, a.karpenterGpuName]));
      expect(gpuNames).toEqual({
        T4: 't4',
        A10G: 'a10g',
        L4: 'l4',
        L40S: 'l40s',
        'V100-SXM2-16GB': 'v100',
        'V100-SXM2-32GB': 'v100',
        'A100-SXM4-40GB': 'a100',
        'A100-SXM4-80GB': 'a100',
        'H100-SXM5-80GB': 'h100',
        'H200-SXM-141GB': 'h200',
        B200: 'b200',
      });
      expect(byId('inferentia2').karpenterAcceleratorName).toBe('inferentia2');
      expect(byId('trainium').karpenterAcceleratorName).toBe('trainium');
    });

    test('MI300X carries the AMD node-labeller labels', () => {
      expect(byId('MI300X').nodeLabels).toMatchObject({
        'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM',
        'amd.com/gpu.device-id': '74a1',
        'amd.com/gpu.vram': '192G',
      });
    });
  });

  describe('MIG profiles (facts A2)', () => {
    const profiles = (id: string): Record<string, number> => Object.fromEntries((byId(id).migProfiles ?? []).map((profile) => [profile.name, profile.maxInstances]));

    test('A100 40GB: set A1-40', () => {
      for (const id of ['A100-SXM4-40GB', 'A100-PCIE-40GB']) {
        expect(profiles(id)).toEqual({
          '1g.5gb': 7,
          '1g.5gb+me': 1,
          '1g.10gb': 4,
          '2g.10gb': 3,
          '3g.20gb': 2,
          '4g.20gb': 1,
          '7g.40gb': 1,
        });
      }
    });

    test('A100 80GB and H100 80GB: set A1-80', () => {
      for (const id of ['A100-SXM4-80GB', 'A100-PCIE-80GB', 'H100-SXM5-80GB', 'H100-PCIE-80GB']) {
        expect(profiles(id)).toMatchObject({ '1g.10gb': 7, '1g.10gb+me': 1, '3g.40gb': 2, '7g.80gb': 1 });
      }
    });

    test('H100 NVL, H200 and B200 sets', () => {
      expect(profiles('H100-NVL-94GB')).toMatchObject({ '1g.12gb': 7, '1g.24gb': 4, '7g.94gb': 1 });
      for (const id of ['H200-SXM-141GB', 'H200-NVL-141GB']) {
        expect(profiles(id)).toMatchObject({ '1g.18gb': 7, '2g.35gb': 3, '7g.141gb': 1 });
      }
      expect(profiles('B200')).toMatchObject({ '1g.23gb': 7, '4g.90gb': 1, '7g.180gb': 1 });
    });

    test('every +me profile takes the single media engine; no MIG before Ampere or off NVIDIA', () => {
      for (const accelerator of ACCELERATORS) {
        for (const profile of accelerator.migProfiles ?? []) {
          if (profile.name.endsWith('+me')) expect(profile.maxInstances).toBe(1);
        }
      }
      for (const id of ['T4', 'A10G', 'L4', 'L40S', 'V100-SXM2-16GB', 'MI300X', 'inferentia2']) {
        expect(byId(id).migProfiles).toBeUndefined();
      }
    });
  });
});

describe('lookupAccelerator', () => {
  test.each([
    ['A100-40GB', 'A100-SXM4-40GB'],
    ['a100-40gb', 'A100-SXM4-40GB'],
    ['a100-40g', 'A100-SXM4-40GB'],
    ['NVIDIA-A100-SXM4-40GB', 'A100-SXM4-40GB'],
    ['NVIDIA A100-SXM4-40GB', 'A100-SXM4-40GB'],
    ['A100-80GB', 'A100-SXM4-80GB'],
    ['NVIDIA A100-PCIE-80GB', 'A100-PCIE-80GB'],
    ['H100', 'H100-SXM5-80GB'],
    ['h100', 'H100-SXM5-80GB'],
    ['NVIDIA H100 80GB HBM3', 'H100-SXM5-80GB'],
    ['NVIDIA H100 PCIe', 'H100-PCIE-80GB'],
    ['h200', 'H200-SXM-141GB'],
    ['H200-141GB', 'H200-SXM-141GB'],
    ['NVIDIA H200 NVL', 'H200-NVL-141GB'],
    ['T4', 'T4'],
    ['Tesla-T4', 'T4'],
    ['Tesla T4', 'T4'],
    ['NVIDIA A10G', 'A10G'],
    ['a10g', 'A10G'],
    ['l40s', 'L40S'],
    ['V100-32GB', 'V100-SXM2-32GB'],
    ['inferentia2', 'inferentia2'],
    ['inf2', 'inferentia2'],
    ['aws-inferentia2', 'inferentia2'],
    ['Inferentia2', 'inferentia2'],
    ['trainium', 'trainium'],
    ['MI300X', 'MI300X'],
    ['AMD-Instinct-MI300X', 'MI300X'],
    ['AMD_Instinct_MI300X_OAM', 'MI300X'],
  ])('%s -> %s', (name, id) => {
    expect(lookupAccelerator(name).id).toBe(id);
  });

  test('every id, NVML name, GFD label and alias resolves to its own entry', () => {
    for (const accelerator of ACCELERATORS) {
      const names = [accelerator.id, accelerator.nvmlName, accelerator.gfdProduct, ...accelerator.aliases];
      for (const name of names) if (name !== undefined) expect(lookupAccelerator(name)).toBe(accelerator);
    }
  });

  test('no two accelerators share a normalized name', () => {
    const owner = new Map<string, string>();
    for (const accelerator of ACCELERATORS) {
      const names = [accelerator.id, accelerator.nvmlName, accelerator.gfdProduct, ...accelerator.aliases];
      for (const name of names) {
        if (name === undefined) continue;
        const key = normalizeName(name);
        expect([undefined, accelerator.id]).toContain(owner.get(key));
        owner.set(key, accelerator.id);
      }
    }
  });

  test.each(['A100', 'a100', 'NVIDIA-A100', 'NVIDIA A100'])('%s is ambiguous between the four A100s', (name) => {
    const error = thrown(() => lookupAccelerator(name));
    expect(error).toBeInstanceOf(SizingError);
    expect(error).toMatchObject({ code: 'ambiguous-accelerator', field: 'accelerator' });
    expect((error as SizingError).suggestions.sort()).toEqual(['A100-PCIE-40GB', 'A100-PCIE-80GB', 'A100-SXM4-40GB', 'A100-SXM4-80GB']);
    expect(findAccelerator(name)).toBeUndefined();
  });

  test('V100 is ambiguous between 16GB and 32GB', () => {
    const error = thrown(() => lookupAccelerator('v100'));
    expect(error).toMatchObject({ code: 'ambiguous-accelerator', field: 'accelerator' });
    expect((error as SizingError).suggestions.sort()).toEqual(['V100-SXM2-16GB', 'V100-SXM2-32GB']);
  });

  test('an unknown name suggests the nearest ids', () => {
    const typo = thrown(() => lookupAccelerator('A10GG'));
    expect(typo).toBeInstanceOf(SizingError);
    expect(typo).toMatchObject({ code: 'unknown-accelerator', field: 'accelerator' });
    expect((typo as SizingError).message).toContain('A10GG');
    expect((typo as SizingError).suggestions[0]).toBe('A10G');

    const short = thrown(() => lookupAccelerator('H10')) as SizingError;
    expect(short.code).toBe('unknown-accelerator');
    expect(short.suggestions).toHaveLength(3);
    for (const suggestion of short.suggestions) expect(suggestion).toMatch(/^H100-/);
    expect(findAccelerator('H10')).toBeUndefined();
  });

  test.each([42, undefined, null, {}, Object.create(null), '', '  -  '])('invalid input %p throws SizingError, not TypeError', (value) => {
    const error = thrown(() => lookupAccelerator(value as unknown as string));
    expect(error).toBeInstanceOf(SizingError);
    expect(error).toMatchObject({ code: 'invalid-accelerator', field: expect.stringMatching(/^accelerator/) });
    expect(findAccelerator(value as unknown as string)).toBeUndefined();
  });

  test('catalog entries are frozen', () => {
    expect(Object.isFrozen(ACCELERATORS)).toBe(true);
    expect(Object.isFrozen(lookupAccelerator('T4'))).toBe(true);
  });
});

import { INSTANCE_TYPES, PRICE_DATE, PRICE_REGION, instanceTypesInFamilies, karpenterLabels, lookupInstanceType } from '../lib/catalog/instance-types';
import { SOURCES } from '../lib/catalog/sources';
import { SizingError } from '../lib/errors';
import { catalogFacts } from './support/fixtures';

const KP = 'karpenter.k8s.aws';
/** The vendored fact sheet (test/fixtures/catalog-facts): always present, never skipped. */
const facts = catalogFacts();
/** The instance types of table B (trn2.48xlarge comes from AWS-TRN2, not from the facts). */
const TABLE_B_TYPES = INSTANCE_TYPES.filter((it) => it.family !== 'trn2');

/** Table rows (cells, trimmed) of a markdown section, header and separator rows excluded. */
function tableRows(text: string, from: string, to: string): string[][] {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start < 0 || end < 0) throw new Error(`section ${from} .. ${to} not found in the facts`);
  return text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .slice(1);
}

/** Families a B2 cell names, e.g. "`t4` (g4dn)" or "g4dn, p3*, trn1 = intel" patterns. */
function familyMatches(pattern: string, family: string): boolean {
  return pattern.endsWith('*') ? family.startsWith(pattern.slice(0, -1)) : pattern === family;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('instance-type catalog: internal consistency', () => {
  test('price metadata', () => {
    expect(PRICE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_REGION).toBe('us-east-1');
  });

  test('names are unique and are family.size', () => {
    const names = INSTANCE_TYPES.map((it) => it.name);
    expect(new Set(names).size).toBe(names.length);
    for (const it of INSTANCE_TYPES) {
      expect(`${it.family}.${it.size}`).toBe(it.name);
      expect(it.family.startsWith(it.category)).toBe(true);
    }
  });

  test('figures are positive integers where they must be', () => {
    for (const it of INSTANCE_TYPES) {
      for (const n of [it.vcpu, it.memoryMiB, it.acceleratorCount, it.acceleratorMemoryMiB, it.networkMbps, it.generation]) {
        expect(Number.isInteger(n) && n > 0).toBe(true);
      }
      expect(Number.isInteger(it.localNvmeGiB) && it.localNvmeGiB >= 0).toBe(true);
      expect(Number.isInteger(it.efa) && it.efa >= 0).toBe(true);
      expect(it.memoryMiB % 1024).toBe(0);
    }
  });

  test('every source key is a known source', () => {
    for (const it of INSTANCE_TYPES) {
      expect(it.sources.length).toBeGreaterThan(0);
      for (const key of it.sources) expect(Object.keys(SOURCES)).toContain(key);
    }
  });

  test('price per accelerator is positive; only p5e.48xlarge and trn2.48xlarge are unpriced (not in KP-PRICE)', () => {
    for (const it of INSTANCE_TYPES) {
      if (it.name === 'p5e.48xlarge' || it.name === 'trn2.48xlarge') {
        expect(it.onDemandUsdPerHour).toBeUndefined();
        continue;
      }
      expect(it.onDemandUsdPerHour).toBeDefined();
      expect(it.onDemandUsdPerHour! / it.acceleratorCount).toBeGreaterThan(0);
    }
  });

  test('sizes of a family cost more as they grow (same accelerator count)', () => {
    for (const family of new Set(INSTANCE_TYPES.map((it) => it.family))) {
      const members = INSTANCE_TYPES.filter((it) => it.family === family && it.onDemandUsdPerHour !== undefined);
      for (const a of members) {
        for (const b of members) {
          if (a.acceleratorCount === b.acceleratorCount && a.vcpu < b.vcpu) {
            expect(a.onDemandUsdPerHour!).toBeLessThan(b.onDemandUsdPerHour!);
          }
        }
      }
    }
  });

  test('inf2 has 1/1/6/12 Neuron devices of 32 GiB', () => {
    const inf2 = instanceTypesInFamilies(['inf2']);
    expect(inf2.map((it) => it.acceleratorCount)).toEqual([1, 1, 6, 12]);
    for (const it of inf2) expect(it.acceleratorMemoryMiB).toBe(32 * 1024);
  });

  test('every p/g instance carries GPU labels, inf/trn carry accelerator labels', () => {
    for (const it of INSTANCE_TYPES) {
      const labels = karpenterLabels(it);
      if (['p', 'g', 'gr'].includes(it.category)) {
        expect(labels[`${KP}/instance-gpu-name`]).toMatch(/^[a-z0-9]+$/);
        expect(labels[`${KP}/instance-gpu-manufacturer`]).toBe('nvidia');
        expect(labels[`${KP}/instance-accelerator-name`]).toBeUndefined();
      } else {
        expect(['inf', 'trn']).toContain(it.category);
        expect(labels[`${KP}/instance-accelerator-manufacturer`]).toBe('aws');
        expect(labels[`${KP}/instance-accelerator-count`]).toBe(String(it.acceleratorCount));
        expect(labels[`${KP}/instance-gpu-name`]).toBeUndefined();
      }
      expect(labels['kubernetes.io/arch']).toBe('amd64');
      expect(labels['node.kubernetes.io/instance-type']).toBe(it.name);
    }
  });
});

describe('lookupInstanceType', () => {
  test('is case-insensitive and trims', () => {
    expect(lookupInstanceType('G5.12XLARGE').name).toBe('g5.12xlarge');
    expect(lookupInstanceType('  p6-b200.48xlarge ').family).toBe('p6-b200');
  });

  test('unknown name: SizingError with the nearest names', () => {
    const error = thrown(() => lookupInstanceType('g5.13xlarge'));
    expect(error).toBeInstanceOf(SizingError);
    const e = error as SizingError;
    expect(e.code).toBe('unknown-instance-type');
    expect(e.field).toBe('instanceType');
    expect(e.message).toContain('g5.13xlarge');
    expect(e.suggestions).toHaveLength(3);
    expect(e.suggestions).toContain('g5.12xlarge');
  });

  test.each([undefined, null, 42, '', '   ', {}, Object.create(null), Symbol('x')])('invalid input %p: SizingError, not TypeError', (value) => {
    const error = thrown(() => lookupInstanceType(value as never));
    expect(error).toBeInstanceOf(SizingError);
    expect((error as SizingError).code).toBe('invalid-instance-type');
  });
});

describe('instanceTypesInFamilies', () => {
  test('returns the members in catalog order', () => {
    const found = instanceTypesInFamilies(['inf2', 'G5']);
    expect(found.map((it) => it.family)).toEqual([...Array(8).fill('g5'), ...Array(4).fill('inf2')]);
    expect(instanceTypesInFamilies([])).toEqual([]);
  });

  test('unknown family: SizingError listing the known families', () => {
    const error = thrown(() => instanceTypesInFamilies(['g7']));
    expect(error).toBeInstanceOf(SizingError);
    const e = error as SizingError;
    expect(e.code).toBe('unknown-instance-family');
    expect(e.field).toBe('instanceFamilies');
    expect(e.message).toContain('g7');
    const families = [...new Set(INSTANCE_TYPES.map((it) => it.family))];
    expect([...e.suggestions].sort()).toEqual([...families].sort());
    for (const family of families) expect(e.message).toContain(family);
  });

  test('non-list or non-string input: SizingError', () => {
    expect(thrown(() => instanceTypesInFamilies('g5' as never))).toBeInstanceOf(SizingError);
    expect(thrown(() => instanceTypesInFamilies([5] as never))).toBeInstanceOf(SizingError);
  });
});

describe('karpenterLabels', () => {
  test('g5.12xlarge', () => {
    const labels = karpenterLabels(lookupInstanceType('g5.12xlarge'));
    expect(labels).toMatchObject({
      'node.kubernetes.io/instance-type': 'g5.12xlarge',
      [`${KP}/instance-family`]: 'g5',
      [`${KP}/instance-category`]: 'g',
      [`${KP}/instance-generation`]: '5',
      [`${KP}/instance-size`]: '12xlarge',
      [`${KP}/instance-gpu-name`]: 'a10g',
      [`${KP}/instance-gpu-count`]: '4',
      [`${KP}/instance-gpu-memory`]: '22888',
      [`${KP}/instance-cpu`]: '48',
      [`${KP}/instance-memory`]: String(192 * 1024),
      [`${KP}/instance-cpu-manufacturer`]: 'amd',
    });
  });

  test('no local-nvme label on EBS-only instances', () => {
    expect(karpenterLabels(lookupInstanceType('p3.2xlarge'))[`${KP}/instance-local-nvme`]).toBeUndefined();
    expect(karpenterLabels(lookupInstanceType('inf2.xlarge'))[`${KP}/instance-local-nvme`]).toBeUndefined();
    expect(karpenterLabels(lookupInstanceType('trn1.2xlarge'))[`${KP}/instance-local-nvme`]).toBe('474');
  });

  test('unknown accelerator id: SizingError', () => {
    const custom = { ...lookupInstanceType('g5.xlarge'), acceleratorId: 'X9' };
    expect(thrown(() => karpenterLabels(custom))).toBeInstanceOf(SizingError);
  });
});

describe('instance-type catalog against catalog-facts.md', () => {
  const text = facts;
  const rowsB = () => tableRows(text, '## B. AWS EC2', '### B2.');
  const rowsB2 = () => tableRows(text, '### B2.', '\n## C.');
  const b2Cell = (label: string): string => {
    const found = rowsB2().find((cells) => cells[0].includes(`instance-${label}\``));
    if (found === undefined) throw new Error(`B2 has no ${label} row`);
    return found[2];
  };

  test('one catalog entry per table B row, in table order', () => {
    expect(TABLE_B_TYPES.map((it) => it.name)).toEqual(rowsB().map((cells) => cells[0]));
  });

  test('every figure of table B matches', () => {
    for (const cells of rowsB()) {
      const [name, vcpu, memGiB, karpenterName, count, accelMemory, nvme, network, efa, devices, price, source] = cells;
      const it = lookupInstanceType(name);
      const labels = karpenterLabels(it);
      expect({ name, vcpu: it.vcpu }).toEqual({ name, vcpu: Number(vcpu) });
      expect({ name, memGiB: it.memoryMiB / 1024 }).toEqual({ name, memGiB: Number(memGiB) });
      expect({ name, count: it.acceleratorCount }).toEqual({ name, count: Number(count) });
      expect({ name, nvme: it.localNvmeGiB }).toEqual({ name, nvme: nvme === '—' ? 0 : Number(nvme) });
      expect({ name, network: it.networkMbps }).toEqual({ name, network: Number(network) });
      expect({ name, efa: it.efa }).toEqual({ name, efa: Number(efa) });
      const expectedPrice = /^n\/a/.test(price) ? undefined : Number(price);
      expect({ name, price: it.onDemandUsdPerHour }).toEqual({ name, price: expectedPrice });
      expect({ name, sources: it.sources }).toEqual({ name, sources: source.split(';').map((s) => s.trim()) });

      // Total accelerator memory: "91552 MiB (22888×4)" or "192 GiB (6×32 GiB HBM)".
      const total = /^(\d+) (MiB|GiB)/.exec(accelMemory);
      expect(total).not.toBeNull();
      const totalMiB = Number(total![1]) * (total![2] === 'GiB' ? 1024 : 1);
      expect({ name, totalMiB: it.acceleratorMemoryMiB * it.acceleratorCount }).toEqual({ name, totalMiB });

      // Device resources: "4" (GPUs) or "neuron=6, neuroncore=12".
      const neuron = /neuron=(\d+)/.exec(devices);
      expect({ name, devices: it.acceleratorCount }).toEqual({ name, devices: Number(neuron ? neuron[1] : devices) });

      const labelName = labels[`${KP}/instance-gpu-name`] ?? labels[`${KP}/instance-accelerator-name`];
      expect({ name, karpenterName: labelName }).toEqual({ name, karpenterName });
      if (neuron === null) expect(labels[`${KP}/instance-gpu-memory`]).toBe(String(it.acceleratorMemoryMiB));
    }
  });

  test('the GPU name of every p/g instance is the one B2 lists for its family', () => {
    const byFamily = new Map<string, string>();
    for (const m of b2Cell('gpu-name').matchAll(/`([a-z0-9]+)` \(([^)]+)\)/g)) {
      for (const family of m[2].split(',')) byFamily.set(family.trim(), m[1]);
    }
    const gpuInstances = INSTANCE_TYPES.filter((it) => ['p', 'g', 'gr'].includes(it.category));
    expect(gpuInstances.length).toBeGreaterThan(0);
    for (const it of gpuInstances) {
      expect({ name: it.name, gpu: karpenterLabels(it)[`${KP}/instance-gpu-name`] }).toEqual({
        name: it.name,
        gpu: byFamily.get(it.family),
      });
    }
  });

  test('per-GPU memory matches the B2 instance-gpu-memory list', () => {
    const cell = b2Cell('gpu-memory');
    for (const it of INSTANCE_TYPES.filter((i) => karpenterLabels(i)[`${KP}/instance-gpu-memory`] !== undefined)) {
      expect(cell).toContain(String(it.acceleratorMemoryMiB));
    }
  });

  test('family, category and generation match B2', () => {
    const families = [...b2Cell('family').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
    expect([...new Set(TABLE_B_TYPES.map((it) => it.family))]).toEqual(families);

    const category = new Map<string, string>();
    for (const m of b2Cell('category').matchAll(/`([a-z]+)` \(([^)]+)\)/g)) {
      for (const f of m[2].split(',')) category.set(f.trim(), m[1]);
    }
    const generation = new Map<string, number>();
    for (const m of b2Cell('generation').matchAll(/([a-z0-9/-]+)=(\d+)/g)) {
      for (const f of m[1].split('/')) generation.set(f, Number(m[2]));
    }
    for (const it of TABLE_B_TYPES) {
      // "p (p3…p6-b200)" names a range, so p-family membership is checked by prefix.
      const expectedCategory = category.get(it.family) ?? (it.family.startsWith('p') ? category.get('p3…p6-b200') : undefined);
      expect({ name: it.name, category: it.category }).toEqual({ name: it.name, category: expectedCategory });
      // B2 does not list every family (p3dn); the generation is also the digits after the category.
      const fromName = Number(/^[a-z]+(\d+)/.exec(it.family)![1]);
      expect({ name: it.name, generation: it.generation }).toEqual({
        name: it.name,
        generation: generation.get(it.family) ?? fromName,
      });
      expect(it.generation).toBe(fromName);
    }
  });

  test('CPU manufacturer matches B2 (trn1n is not listed there and follows trn1)', () => {
    const manufacturer = new Map<string, string>();
    for (const part of b2Cell('cpu-manufacturer').split(';')) {
      const [families, vendor] = part.split('=').map((s) => s.trim());
      for (const pattern of families.split(',')) manufacturer.set(pattern.trim(), vendor);
    }
    for (const it of TABLE_B_TYPES) {
      const patterns = [...manufacturer.keys()].filter((p) => familyMatches(p, it.family));
      if (patterns.length === 0) {
        expect(it.family).toBe('trn1n');
        expect(it.cpuManufacturer).toBe(lookupInstanceType('trn1.32xlarge').cpuManufacturer);
        continue;
      }
      for (const p of patterns) {
        expect({ name: it.name, cpu: it.cpuManufacturer }).toEqual({ name: it.name, cpu: manufacturer.get(p) });
      }
    }
  });

  test('inf2 accelerator counts match B2', () => {
    const counts = /inf2: ([\d/]+)/.exec(b2Cell('accelerator-count'));
    expect(counts).not.toBeNull();
    expect(instanceTypesInFamilies(['inf2']).map((it) => it.acceleratorCount)).toEqual(counts![1].split('/').map(Number));
  });
});

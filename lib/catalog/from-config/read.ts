/**
 * Reading a Hugging Face config.json: typed field access whose errors name the field (with its path,
 * e.g. `text_config.num_key_value_heads`), what was found, and what to pass instead.
 */
import { describeField } from '../../describe';
import { SizingError } from '../../errors';

export type Json = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fields one config section (the root, `text_config`, `vision_config`) holds, with fallbacks for the keys it omits. */
export class ConfigSection {
  constructor(
    readonly modelId: string,
    readonly data: Json,
    /** Dotted path of this section in config.json (`''` for the root). */
    readonly path: string,
    /** Values the model type's transformers config class defaults to when config.json omits them. */
    readonly defaults: Json = {},
  ) {}

  fieldName(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, expected: string): never {
    const field = this.fieldName(key);
    throw new SizingError('invalid-model-config', `config.json of ${this.modelId}: field ${field} is ${describeField(this.data[key])}, expected ${expected}`, {
      field: `config.${field}`,
      suggestions: [`a config.json with ${field} (the file from the model's Hub repository, unedited)`, 'or pass a ModelArchitecture object instead of a config.json'],
    });
  }

  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  raw(key: string): unknown {
    return this.has(key) ? this.data[key] : this.defaults[key];
  }

  /** A positive integer: the first of `keys` present, else the model type's default. */
  int(...keys: string[]): number {
    const value = this.optInt(...keys);
    if (value === undefined) this.fail(keys[0], 'a positive integer');
    return value;
  }

  optInt(...keys: string[]): number | undefined {
    for (const key of keys) {
      const value = this.raw(key);
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(key, 'a non-negative integer');
      return value;
    }
    return undefined;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(key, 'true or false');
    return value;
  }

  str(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(key, 'a string');
    return value;
  }

  /** A list of strings or numbers (layer_types, no_rope_layers, mlp_only_layers). */
  list(key: string): readonly unknown[] | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) this.fail(key, 'an array');
    return value;
  }

  /** A nested section (`text_config`, `vision_config`); `undefined` when absent. */
  section(key: string, defaults: Json = {}): ConfigSection | undefined {
    const value = this.data[key];
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) this.fail(key, 'an object');
    return new ConfigSection(this.modelId, value, this.fieldName(key), defaults);
  }
}

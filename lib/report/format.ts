import { GiB } from '../catalog/units';

/** Human units at the edge: the report's numbers as people read them. */
export const gib = (bytes: number): string => `${(bytes / GiB).toFixed(2)} GiB`;
/** A latency to three significant figures or more (0.25, 26.6, 273): finer than its stated error. */
export const short = (value: number): string => (!Number.isFinite(value) ? 'n/a' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
export const ms = (value: number): string => `${short(value)} ms`;
export const usdPerHour = (value: number): string => `$${value.toFixed(2)}/h`;
export const usdPerMillion = (value: number): string => `$${value.toFixed(value < 1 ? 3 : 2)}`;
/** ` ±15%` for a stated error; nothing when none is stated (not a positive number). */
export const plusMinus = (pct: number): string => (Number.isFinite(pct) && pct > 0 ? ` ±${pct}%` : '');
/** A number for a table cell; `n/a` when it is not a finite number. */
export const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** Byte units. Catalogs and the sizing core work in bytes; human units appear only at the edges. */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const GB = 1e9;

/** Formats bytes as GiB with two decimals, the unit engines print in their logs. */
export function formatGiB(bytes: number): string {
  return `${(bytes / GiB).toFixed(2)} GiB`;
}

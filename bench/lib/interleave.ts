/**
 * Contenders measured in mirrored order (A B C C B A), each for half the time per pass, and their
 * rates averaged: on a shared machine a load that comes or goes during the run then weighs on all
 * of them alike instead of on whichever happened to run at that moment.
 */
export async function mirrored<K extends string, D extends { rate: number }>(
  keys: readonly K[],
  seconds: number,
  measure: (key: K, seconds: number) => Promise<D>,
): Promise<Record<K, { rate: number; runs: D[] }>> {
  const half = Math.max(1, Math.round(seconds / 2));
  const out = {} as Record<K, { rate: number; runs: D[] }>;
  for (const k of keys) out[k] = { rate: 0, runs: [] };
  for (const k of [...keys, ...[...keys].reverse()]) out[k].runs.push(await measure(k, half));
  for (const k of keys) out[k].rate = out[k].runs.reduce((a, r) => a + r.rate, 0) / out[k].runs.length;
  return out;
}

/**
 * Statistics for the benchmark (SPEC §6): medians of repeated runs, and ratios taken pair by pair
 * (A and B measured back to back in the same iteration, then the median of A/B), so drift in machine
 * load over the run cancels out instead of biasing one side.
 */

/** Median of a non-empty sample (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of the per-pair ratios numerator[i] / denominator[i]. */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): number {
  if (numerators.length !== denominators.length) throw new Error(`unpaired samples: ${numerators.length} vs ${denominators.length}`);
  return median(numerators.map((n, i) => n / denominators[i]!));
}

/** Smallest and largest value, to show the spread beside a median. */
export function range(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatRatio(r: number): string {
  return `${r.toFixed(2)}×`;
}

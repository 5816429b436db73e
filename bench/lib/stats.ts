/** Summary statistics for timing samples (nearest-rank percentiles, no interpolation). */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

export const median = (samples: number[]): number => percentile(samples, 50)
export const p95 = (samples: number[]): number => percentile(samples, 95)

export function mean(samples: number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length
}

export interface Summary {
  n: number
  min: number
  median: number
  p95: number
  max: number
  mean: number
}

export function summarize(samples: number[]): Summary {
  return {
    n: samples.length,
    min: samples.length === 0 ? Number.NaN : Math.min(...samples),
    median: median(samples),
    p95: p95(samples),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
    mean: mean(samples),
  }
}

/** MB/s in decimal megabytes, as sha256sum-style tools and kubo report them. */
export function mbPerSec(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

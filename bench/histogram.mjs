// Latencies in milliseconds, in logarithmic buckets (1% wide): constant memory for millions of samples.
const GROWTH = 1.01;
const MIN_MS = 0.01;
const LOG_GROWTH = Math.log(GROWTH);

export class Histogram {
  constructor() {
    this.buckets = new Float64Array(2400);
    this.count = 0;
    this.max = 0;
    this.sum = 0;
  }

  record(ms) {
    if (!Number.isFinite(ms)) return;
    const index = ms <= MIN_MS ? 0 : Math.min(this.buckets.length - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.buckets[index] += 1;
    this.count += 1;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  percentile(p) {
    if (this.count === 0) return null;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i += 1) {
      seen += this.buckets[i];
      if (seen >= rank) return Math.min(this.max, MIN_MS * GROWTH ** i);
    }
    return this.max;
  }

  summary() {
    const round = (value) => (value === null ? null : Math.round(value * 100) / 100);
    return {
      count: this.count,
      mean: round(this.count ? this.sum / this.count : null),
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.count ? this.max : null),
    };
  }
}

/**
 * Metrics that code below the HTTP layer records, in one registry per process; the `/metrics` endpoint
 * serves it together with the app's own (src/http/metrics.ts).
 */
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const processRegistry = new Registry();

const outageDerivationSeconds = new Histogram({
  name: 'gengaku_outage_derivation_seconds',
  help: "Time to derive one contract's outages from its incidents (on reads the read model's cache cannot answer, after changes, and for the gauges)",
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [processRegistry],
});

/** Runs `derive` (one contract's outage derivation) and records how long it took. */
export function timedDerivation<T>(derive: () => T): T {
  const stop = outageDerivationSeconds.startTimer();
  try {
    return derive();
  } finally {
    stop();
  }
}

let processMetricsStarted = false;

/** Node's own metrics (CPU, memory, event-loop lag, handles), started once per process, when first served. */
export function startProcessMetrics(): void {
  if (processMetricsStarted) return;
  processMetricsStarted = true;
  collectDefaultMetrics({ register: processRegistry });
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CollectFunction } from 'prom-client';

let processRegistry: Registry | null = null;

/**
 * CPU, memory, event-loop lag, GC and handles belong to the process, not to one app: they are
 * collected once per process, however many apps it builds (the test suites build hundreds).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The application's Prometheus metrics (prom-client), one registry per app. Gauges that
 * describe state elsewhere (sockets, pool, SFU, outbox) are read when scraped, through
 * {@link AppMetrics.gauge}.
 */
export class AppMetrics {
  readonly #registry = new Registry();

  /** Rates come from `_count`, latencies from the buckets; `route` is the route's template, never the raw path. */
  readonly httpDuration = new Histogram({
    name: 'counsel_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status code, with their latency',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.#registry],
  });

  readonly busPublished = new Counter({
    name: 'counsel_bus_events_published_total',
    help: 'Events published on the fan-out bus, by type and outcome (failed: Redis unavailable)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.#registry],
  });

  readonly busPublishDuration = new Histogram({
    name: 'counsel_bus_publish_duration_seconds',
    help: 'Time to publish one event on the bus (a Redis round trip with REDIS_URL)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.#registry],
  });

  readonly busDeliveryLag = new Histogram({
    name: 'counsel_bus_delivery_lag_seconds',
    help: 'Time from publishing an event on any instance to its arrival on this one',
    labelNames: ['type'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.#registry],
  });

  readonly sfuWorkerDeaths = new Counter({
    name: 'counsel_sfu_worker_deaths_total',
    help: 'mediasoup workers that died (each is replaced on the same port)',
    registers: [this.#registry],
  });

  /** A gauge whose value is read at scrape time; `read` sets it through the gauge it is given. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: CollectFunction<Gauge<L>>): Gauge<L> {
    return new Gauge({ name, help, labelNames, collect: read, registers: [this.#registry] });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  /** The exposition text: this app's metrics and the process's. */
  async render(): Promise<string> {
    return Registry.merge([processMetrics(), this.#registry]).metrics();
  }
}

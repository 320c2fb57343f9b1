/**
 * HTTP load on loopback: autocannon keep-alive connections cycling through a fixed request list,
 * run from the bench process while the server lives in its own child process.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  path: string;
  headers?: Record<string, string>;
  /** @default GET */
  method?: 'GET' | 'POST';
  body?: string;
}

export interface LoadResult {
  rps: number;
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status class. */
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  errors: number;
}

/**
 * Runs `seconds` of load after `warmupSeconds` (default 1) that are left out of the rate, as for
 * pgbench (pgbench.ts): the rate is the mean of autocannon's per-second completion counts.
 *
 * Several base URLs (instances of the app behind one address in production, S1) share the
 * connections as evenly as they divide; each gets its own autocannon instance in this process and
 * the results are merged with autocannon's own aggregation, latency histograms included, so the
 * p99 is that of every request, not an average of per-instance percentiles.
 */
export async function httpLoad(options: {
  baseUrl: string | string[];
  requests: LoadRequest[];
  connections: number;
  seconds: number;
  warmupSeconds?: number;
  /** Requests per second over all connections (open-loop pacing, for latency at a fixed load). */
  overallRate?: number;
}): Promise<LoadResult> {
  if (options.requests.length === 0) throw new Error('no requests to load');
  const urls = Array.isArray(options.baseUrl) ? options.baseUrl : [options.baseUrl];
  if (urls.length === 0 || urls.length > options.connections) throw new Error(`${urls.length} base URLs for ${options.connections} connections`);
  const warmup = options.warmupSeconds ?? 1;
  const requests = options.requests.map((r) => ({ method: r.method ?? 'GET', path: r.path, headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }) }));
  const instances = urls.map((url, i) => {
    const connections = Math.floor(options.connections / urls.length) + (i < options.connections % urls.length ? 1 : 0);
    const rate = options.overallRate ? (options.overallRate * connections) / options.connections : 0;
    return autocannon({
      url,
      connections,
      duration: Math.max(1, Math.round(options.seconds)) + warmup,
      timeout: 120,
      requests,
      skipAggregateResult: true,
      ...(rate ? { overallRate: rate } : {}),
    });
  });
  const started = performance.now();
  const from = started + warmup * 1000;
  const to = from + Math.max(1, Math.round(options.seconds)) * 1000;
  let inWindow = 0;
  for (const instance of instances) {
    instance.on('response', () => {
      const now = performance.now();
      if (now >= from && now < to) inWindow++;
    });
  }
  const raw = await Promise.all(instances);
  const result = autocannon.aggregateResult(raw, { url: urls[0]!, connections: options.connections });
  const done = result.requests.total;
  const windowSeconds = (Math.min(to, performance.now()) - from) / 1000;
  const seconds = Math.max(...raw.map((r) => r.duration));
  return {
    rps: windowSeconds > 0.5 ? inWindow / windowSeconds : done / seconds,
    requests: done,
    seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    status: { '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors + result.timeouts,
  };
}

export interface Fetched {
  status: number;
  bytes: Uint8Array;
  etag: string | null;
  ms: number;
}

/** One plain GET (warm-up, probes, ETag collection, tile bytes for T3). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, bytes, etag: res.headers.get('etag'), ms: performance.now() - started };
}

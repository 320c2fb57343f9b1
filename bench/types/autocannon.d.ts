// The subset of autocannon's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  interface AutocannonRequest {
    path?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    timeout?: number;
    pipelining?: number;
    requests?: AutocannonRequest[];
    headers?: Record<string, string>;
    overallRate?: number;
    /** Resolve with the raw result, for autocannon.aggregateResult over several instances. */
    skipAggregateResult?: boolean;
  }
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    max: number;
    total: number;
  }
  interface AutocannonResult {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '1xx': number;
    '2xx': number;
    '3xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }
  /** An instance's result before aggregation (skipAggregateResult): opaque but for these fields. */
  interface AutocannonRawResult {
    duration: number;
    totalCompletedRequests: number;
  }
  interface Instance<R = AutocannonResult> extends Promise<R> {
    stop(): void;
    on(event: 'response', listener: (...args: unknown[]) => void): this;
  }
  function autocannon(options: AutocannonOptions & { skipAggregateResult: true }): Instance<AutocannonRawResult>;
  function autocannon(options: AutocannonOptions): Instance;
  namespace autocannon {
    /** Merges raw results (histograms included) of instances run with skipAggregateResult. */
    function aggregateResult(results: AutocannonRawResult[], options: { url: string; connections?: number }): AutocannonResult;
  }
  export default autocannon;
}

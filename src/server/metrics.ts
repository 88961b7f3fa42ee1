// Prometheus metrics in the text exposition format (version 0.0.4), written by hand: a few counters and one
// histogram. Labels are route patterns, methods and statuses only, never a URL, a body or an identifier.

/** Latency buckets in seconds: an evaluation takes about a millisecond, a bucket less. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

export interface Metrics {
  /** One finished request: `route` is the route pattern (or "unmatched"), never the URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Blinded elements evaluated (one OPRF guess each). */
  countEvaluations(elements: number): void;
  /** A request refused by the rate limit. */
  countRateLimited(route: string): void;
  /** A request whose shared rate-limit store (Redis) could not be asked: the failure policy answered it. */
  countRateLimitFailure(route: string): void;
  render(): string;
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Label values come from our own route table and HTTP methods, but escape them anyway (format spec: \\, \", \n). */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const latency = new Map<string, Histogram>();
  const rateLimited = new Map<string, number>();
  const rateLimitFailures = new Map<string, number>();
  let evaluations = 0;

  // Label strings are built once per (method, route, status), not per request.
  const requestKeys = new Map<string, string>();
  const histograms = new Map<string, Histogram>();

  return {
    observeRequest(method, route, status, seconds) {
      const id = `${method} ${status} ${route}`;
      let key = requestKeys.get(id);
      if (key === undefined) {
        key = `method="${label(method)}",route="${label(route)}",status="${status}"`;
        requestKeys.set(id, key);
      }
      requests.set(key, (requests.get(key) ?? 0) + 1);
      let h = histograms.get(route);
      if (h === undefined) {
        h = { counts: new Array<number>(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 };
        histograms.set(route, h);
        latency.set(`route="${label(route)}"`, h);
      }
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) h.counts[i]!++;
      h.sum += seconds;
      h.count++;
    },
    countEvaluations(elements) {
      evaluations += elements;
    },
    countRateLimited(route) {
      const key = `route="${label(route)}"`;
      rateLimited.set(key, (rateLimited.get(key) ?? 0) + 1);
    },
    countRateLimitFailure(route) {
      const key = `route="${label(route)}"`;
      rateLimitFailures.set(key, (rateLimitFailures.get(key) ?? 0) + 1);
    },
    render() {
      const lines: string[] = [];
      lines.push('# HELP vigie_http_requests_total HTTP requests by method, route pattern and status.');
      lines.push('# TYPE vigie_http_requests_total counter');
      for (const [k, v] of requests) lines.push(`vigie_http_requests_total{${k}} ${v}`);
      lines.push('# HELP vigie_http_request_duration_seconds HTTP request latency by route pattern.');
      lines.push('# TYPE vigie_http_request_duration_seconds histogram');
      for (const [k, h] of latency) {
        LATENCY_BUCKETS.forEach((le, i) => lines.push(`vigie_http_request_duration_seconds_bucket{${k},le="${le}"} ${h.counts[i]}`));
        lines.push(`vigie_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
        lines.push(`vigie_http_request_duration_seconds_sum{${k}} ${h.sum}`);
        lines.push(`vigie_http_request_duration_seconds_count{${k}} ${h.count}`);
      }
      lines.push('# HELP vigie_evaluations_total Blinded elements evaluated (each one an OPRF guess).');
      lines.push('# TYPE vigie_evaluations_total counter');
      lines.push(`vigie_evaluations_total ${evaluations}`);
      lines.push('# HELP vigie_rate_limited_total Requests refused with 429 by the rate limit.');
      lines.push('# TYPE vigie_rate_limited_total counter');
      for (const [k, v] of rateLimited) lines.push(`vigie_rate_limited_total{${k}} ${v}`);
      lines.push('# HELP vigie_rate_limit_store_failures_total Requests whose shared rate-limit store (Redis) could not be asked.');
      lines.push('# TYPE vigie_rate_limit_store_failures_total counter');
      for (const [k, v] of rateLimitFailures) lines.push(`vigie_rate_limit_store_failures_total{${k}} ${v}`);
      return `${lines.join('\n')}\n`;
    },
  };
}

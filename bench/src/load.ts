import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  /** The JSON request body, the same for every request. */
  body: string;
  /** The body every response must have, byte for byte: a response to the same request that was checked in full. */
  expectedBody: string;
  connections: number;
  durationSeconds: number;
  /** A request unanswered this long counts as an error (a timeout). */
  timeoutSeconds?: number;
}

/**
 * How long a request may go unanswered before it counts as an error. 30 s: a configuration that shares no work
 * between requests (A′, C, D′, E) serves the heaviest cells at 15–35 requests/s, so 50 connections queue for
 * seconds, and a 10 s limit (the first full run's) failed a few of their slowest requests — a saturated
 * server, not a wrong answer. Our gateway's own requests end at its 15 s REQUEST_TIMEOUT_MS well before this.
 */
export const REQUEST_TIMEOUT_SECONDS = 30;

export interface LoadResult {
  /** Wall time from the first request to the end, in ms. */
  elapsedMs: number;
  /** Responses that arrived, good or bad. */
  responses: number;
  /** Responses that were 200 with exactly the expected body. */
  ok: number;
  /** Responses with another status code. */
  non200: number;
  /** 200 responses whose body was not the expected one (wrong data, `errors`, a different edge count …). */
  wrongBody: number;
  /** Connection errors and timeouts (no response at all). */
  connectionErrors: number;
  timeouts: number;
  /** Every response's latency (ms), in arrival order. */
  latenciesMs: Float64Array;
  /** Up to three bad responses, for the report. */
  samples: { status: number; body: string }[];
}

/**
 * Closed-loop load with autocannon, in this process: `connections` keep-alive connections each send the
 * request again as soon as the previous answer arrived, for `durationSeconds`. Every response is checked:
 * status 200 and byte-identical to `expectedBody`.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 14);
  let responses = 0;
  let ok = 0;
  let non200 = 0;
  let wrongBody = 0;
  const samples: LoadResult['samples'] = [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationSeconds,
        timeout: spec.timeoutSeconds ?? REQUEST_TIMEOUT_SECONDS,
        // autocannon checks for the end of the run only when it samples: every second by default, which turns
        // 0.3 s into 1 s. Sampling every 50 ms ends each run within 50 ms of its duration.
        sampleInt: 50,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...spec.headers },
            body: spec.body,
            onResponse: (status, body) => {
              if (status === 200 && body === spec.expectedBody) ok += 1;
              else {
                if (status === 200) wrongBody += 1;
                else non200 += 1;
                if (samples.length < 3) samples.push({ status, body: body.slice(0, 1_000) });
              }
            },
          },
        ],
        setupClient: (client) => {
          client.on('response', (_status: number, _bytes: number, responseTimeMs: number) => {
            if (responses === latencies.length) {
              const grown = new Float64Array(latencies.length * 2);
              grown.set(latencies);
              latencies = grown;
            }
            latencies[responses] = responseTimeMs;
            responses += 1;
          });
        },
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          elapsedMs: performance.now() - started,
          responses,
          ok,
          non200,
          wrongBody,
          connectionErrors: result.errors - result.timeouts,
          timeouts: result.timeouts,
          latenciesMs: latencies.slice(0, responses),
          samples,
        });
      },
    );
  });
}

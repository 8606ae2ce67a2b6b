import { Agent, request as httpRequest } from 'node:http';
import { responseProblems } from '../expected.ts';
import { REQUEST_TIMEOUT_SECONDS } from '../load.ts';
import type { SubgraphName } from '../configurations.ts';
import type { DatasetUser } from '../dataset.ts';
import { mixDocumentId } from './manifest.ts';
import type { DirectFetch, MixOpId, MixRequest, WriteOutcome } from './operations.ts';
import type { MixSource } from './source.ts';
import type { WriteLedger } from './writes.ts';

/** Where a configuration's requests go and how a caller proves who it is there. */
export type MixTarget =
  | {
      kind: 'gateway';
      url: string;
      /** Operations by trusted-document id (no text), as web/'s persisted-query link sends them. */
      byId: boolean;
      headersOf(caller: DatasetUser | null): Record<string, string>;
    }
  /** Configuration B: the client sends the gateway's subgraph fetches itself, with a signed identity. */
  | {
      kind: 'direct';
      urls: Record<SubgraphName, string>;
      headersOf(caller: DatasetUser | null): Record<string, string>;
    };

export interface MixLoadResult {
  elapsedMs: number;
  /** Operations sent (for B: each made of its subgraph fetches). */
  sent: number;
  ok: number;
  errors: { total: number; non200: number; wrongBody: number; connectionErrors: number; timeouts: number };
  latenciesMs: Float64Array;
  /** Operations sent and failed, per operation of the mix. */
  perOp: Record<string, { sent: number; failed: number }>;
  /** Up to three wrong answers, for the report. */
  samples: { op: MixOpId; status: number; body: string; problems: string[] }[];
}

interface Reply {
  status: number;
  body: string;
}

function post(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** Why an answer is wrong for its request (empty when right), and what a right write did. */
export function checkAnswer(
  reply: Reply,
  expected: unknown,
  checkWrite: MixRequest['checkWrite'],
): { problems: string[]; outcome?: WriteOutcome } {
  if (reply.status !== 200) return { problems: [`HTTP ${reply.status}`] };
  if (!checkWrite) {
    // Byte-identical to the expected answer is the fast path; anything else is parsed and compared in full.
    if (reply.body === JSON.stringify({ data: expected })) return { problems: [] };
    return { problems: responseProblems(reply.body, expected) };
  }
  let parsed: { data?: unknown; errors?: unknown };
  try {
    parsed = JSON.parse(reply.body) as typeof parsed;
  } catch {
    return { problems: [`not JSON: ${reply.body.slice(0, 200)}`] };
  }
  if (parsed.errors) return { problems: [`errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`] };
  return checkWrite(parsed.data);
}

const isTimeout = (error: unknown) => (error as { code?: string }).code === 'TIMEOUT';

/** Keep-alive connections per host, at most `connections` each (B talks to three subgraphs). */
export class Agents {
  readonly #agents = new Map<string, Agent>();
  readonly #connections: number;
  constructor(connections: number) {
    this.#connections = connections;
  }
  of(url: URL): Agent {
    let agent = this.#agents.get(url.host);
    if (!agent)
      this.#agents.set(url.host, (agent = new Agent({ keepAlive: true, maxSockets: this.#connections })));
    return agent;
  }
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
  }
}

/** The HTTP requests one request of the mix is made of: one to a gateway, or B's subgraph fetches. */
function fetchesOf(
  target: MixTarget,
  request: MixRequest,
): { url: string; body: string; expected: unknown }[] {
  if (target.kind === 'gateway') {
    const { query, operationName, variables } = request;
    const persistedQuery = () => ({ version: 1, sha256Hash: mixDocumentId(query) });
    return [
      {
        url: target.url,
        body: JSON.stringify(
          target.byId
            ? { operationName, variables, extensions: { persistedQuery: persistedQuery() } }
            : { query, operationName, variables },
        ),
        expected: request.expected,
      },
    ];
  }
  return request.direct.map((fetch: DirectFetch) => ({
    url: target.urls[fetch.subgraph],
    body: JSON.stringify({ query: fetch.query, variables: fetch.variables }),
    expected: fetch.expected,
  }));
}

export interface SentRequest {
  problems: string[];
  /** Why it failed, when it did. */
  failure?: 'non200' | 'wrongBody' | 'connectionErrors' | 'timeouts';
  latencyMs: number;
  reply?: Reply;
}

/**
 * Sends one request of the mix (B: its fetches one after the other), checks every answer and tells the
 * ledger what a write did. A wrong or missing answer leaves its write's outcome unknown.
 */
export async function sendMixRequest(
  target: MixTarget,
  request: MixRequest,
  ledger: WriteLedger,
  agents: Agents,
): Promise<SentRequest> {
  const ticket =
    request.places && request.caller
      ? ledger.sent({ kind: 'place', owner: request.caller.id, spec: request.places })
      : request.cancels
        ? ledger.sent({ kind: 'cancel', id: request.cancels })
        : undefined;
  const headers = target.headersOf(request.caller);
  const begin = performance.now();
  let problems: string[] = [];
  let failure: SentRequest['failure'];
  let outcome: WriteOutcome | undefined;
  let reply: Reply | undefined;
  try {
    for (const fetch of fetchesOf(target, request)) {
      const url = new URL(fetch.url);
      reply = await post(agents.of(url), url, headers, fetch.body, REQUEST_TIMEOUT_SECONDS * 1_000);
      const checked = checkAnswer(
        reply,
        fetch.expected,
        fetch.expected === undefined ? request.checkWrite : undefined,
      );
      problems = checked.problems;
      outcome = checked.outcome;
      if (problems.length) {
        failure = reply.status === 200 ? 'wrongBody' : 'non200';
        break;
      }
    }
  } catch (error) {
    problems = [String(error)];
    failure = isTimeout(error) ? 'timeouts' : 'connectionErrors';
  }
  if (request.cancels && !problems.length) outcome = { kind: 'cancelled', orderId: request.cancels };
  if (ticket !== undefined) ledger.answered(ticket, problems.length ? undefined : outcome);
  return {
    problems,
    ...(failure ? { failure } : {}),
    latencyMs: performance.now() - begin,
    ...(reply ? { reply } : {}),
  };
}

/**
 * Closed-loop load: `connections` clients, each sending its next request of the mix as soon as the previous
 * answer arrived, for `durationSeconds`; then no new request starts and those in flight finish (they are
 * counted, so every write has an answer). Every answer is checked against what its caller must get.
 */
export async function runMixLoad(spec: {
  target: MixTarget;
  source: MixSource;
  ledger: WriteLedger;
  connections: number;
  durationSeconds: number;
}): Promise<MixLoadResult> {
  const agents = new Agents(spec.connections);
  let latencies = new Float64Array(1 << 14);
  let count = 0;
  const result: Omit<MixLoadResult, 'elapsedMs' | 'latenciesMs'> = {
    sent: 0,
    ok: 0,
    errors: { total: 0, non200: 0, wrongBody: 0, connectionErrors: 0, timeouts: 0 },
    perOp: {},
    samples: [],
  };
  const started = performance.now();
  const endAt = started + spec.durationSeconds * 1_000;
  const client = async (connection: number) => {
    while (performance.now() < endAt) {
      const request = spec.source.next(connection);
      const perOp = (result.perOp[request.op] ??= { sent: 0, failed: 0 });
      perOp.sent += 1;
      result.sent += 1;
      const sent = await sendMixRequest(spec.target, request, spec.ledger, agents);
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = sent.latencyMs;
      if (!sent.failure) {
        result.ok += 1;
        continue;
      }
      perOp.failed += 1;
      result.errors.total += 1;
      result.errors[sent.failure] += 1;
      if (result.samples.length < 3)
        result.samples.push({
          op: request.op,
          status: sent.reply?.status ?? 0,
          body: sent.reply?.body.slice(0, 1_000) ?? '',
          problems: sent.problems,
        });
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, (_, connection) => client(connection)));
  const elapsedMs = performance.now() - started;
  agents.destroy();
  return { ...result, elapsedMs, latenciesMs: latencies.slice(0, count) };
}

import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type FetcherResponse = Awaited<ReturnType<RemoteGraphQLDataSource['fetcher']>>;
type FetcherHeaders = FetcherResponse['headers'];

/** A subgraph's answer read completely into memory: it can be handed out as a fresh Response many times. */
export interface BufferedResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string | null;
  url: string;
}

/** Statuses whose Response may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function bufferedFrom(
  response: Pick<Response, 'status' | 'statusText' | 'url'> & { headers: Iterable<[string, string]> },
  body: string,
): BufferedResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: NULL_BODY_STATUSES.has(response.status) ? null : body,
    url: response.url,
  };
}

export async function buffer(response: FetcherResponse): Promise<BufferedResponse> {
  return bufferedFrom(response, await response.text());
}

const immutable = () => {
  throw new TypeError('the headers of a subgraph answer are immutable');
};

/** A Response's headers as fetch shows them: names lower-cased, repeated ones joined with ", ", read-only. */
class BufferedHeaders implements FetcherHeaders {
  readonly #byName = new Map<string, string>();
  constructor(headers: readonly [string, string][]) {
    for (const [rawName, value] of headers) {
      const name = rawName.toLowerCase();
      const before = this.#byName.get(name);
      this.#byName.set(name, before === undefined ? value : `${before}, ${value}`);
    }
  }
  get(name: string): string | null {
    return this.#byName.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.#byName.has(name.toLowerCase());
  }
  append = immutable;
  delete = immutable;
  set = immutable;
  entries(): MapIterator<[string, string]> {
    return [...this.#byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).values();
  }
  keys(): Iterator<string> {
    return [...this.entries()].map(([name]) => name).values();
  }
  values(): Iterator<string> {
    return [...this.entries()].map(([, value]) => value).values();
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A fresh Response (the interface Apollo's data source reads, FetcherResponse) over a buffered answer. Its
 * `text()` and `json()` read the buffered string itself: a Response built from the string would encode it to
 * bytes and every reader would decode it again, and for large answers shared by in-flight dedup those copies
 * were a measurable share of the gateway's garbage. Not a WHATWG Response: building one (its Headers, its
 * guards) was ~2–3 % of the gateway's CPU on the traffic mix (docs/performance.md, Levers), and nothing reads
 * more than this interface. Unlike a streamed body it may be read any number of times.
 */
class BufferedFetcherResponse implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly url: string;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: BufferedHeaders;
  readonly #buffered: BufferedResponse;
  constructor(buffered: BufferedResponse) {
    this.#buffered = buffered;
    this.url = buffered.url;
    this.status = buffered.status;
    this.ok = buffered.status >= 200 && buffered.status <= 299;
    this.statusText = buffered.statusText;
    this.headers = new BufferedHeaders(buffered.headers);
  }
  async text(): Promise<string> {
    return this.#buffered.body ?? '';
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.#buffered.body ?? '');
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.#buffered.body ?? '');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    return new BufferedFetcherResponse(this.#buffered);
  }
}

export function responseOf(buffered: BufferedResponse): FetcherResponse {
  return new BufferedFetcherResponse(buffered);
}

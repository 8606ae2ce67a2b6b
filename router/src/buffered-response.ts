import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type FetcherResponse = Awaited<ReturnType<RemoteGraphQLDataSource['fetcher']>>;

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

/**
 * A new Response with the buffered status, headers, body and URL. Its `text()` and `json()` read the buffered
 * string itself: a Response built from the string would encode it to bytes and every reader would decode it
 * again, and for large answers shared by in-flight dedup those copies were a measurable share of the
 * gateway's garbage. Unlike a streamed body it may be read any number of times.
 */
export function responseOf(buffered: BufferedResponse): FetcherResponse {
  const response = new Response(null, {
    status: buffered.status,
    statusText: buffered.statusText,
    headers: buffered.headers,
  });
  const text = buffered.body ?? '';
  Object.defineProperties(response, {
    // Response's `url` is read-only.
    url: { value: buffered.url },
    text: { value: async () => text },
    json: { value: async (): Promise<unknown> => JSON.parse(text) },
  });
  return response as unknown as FetcherResponse;
}

import { meros } from 'meros/browser';

/** The Accept header of Apollo Client 4 (Defer20220824Handler) and Apollo Router clients. */
export const DEFER_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/json';

export interface FormattedError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface IncrementalPayload {
  data?: Record<string, unknown> | null;
  errors?: FormattedError[];
  incremental?: {
    data: Record<string, unknown> | null;
    path: (string | number)[];
    label?: string;
    errors?: FormattedError[];
  }[];
  hasNext?: boolean;
  extensions?: Record<string, unknown>;
}

export interface DeferredResponse {
  status: number;
  contentType: string | null;
  /** Every JSON part in the order it arrived; a single JSON body when the server did not answer in parts. */
  payloads: IncrementalPayload[];
}

export interface DeferredRequest {
  url: string;
  query: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Called as each part arrives, before the next is read. */
  onPayload?: (payload: IncrementalPayload) => void;
  signal?: AbortSignal;
}

/** POSTs an operation as a multipart-capable client does and reads the parts with `meros`. */
export async function postDeferred(request: DeferredRequest): Promise<DeferredResponse> {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: DEFER_ACCEPT, ...request.headers },
    body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const contentType = response.headers.get('content-type');
  const parts = await meros<IncrementalPayload>(response);
  const payloads: IncrementalPayload[] = [];
  if (parts instanceof Response) {
    const payload = (await parts.json()) as IncrementalPayload;
    request.onPayload?.(payload);
    payloads.push(payload);
  } else {
    for await (const part of parts) {
      if (!part.json) throw new Error(`a part that is not JSON: ${String(part.body)}`);
      request.onPayload?.(part.body);
      payloads.push(part.body);
    }
  }
  return { status: response.status, contentType, payloads };
}

/**
 * What a client holds once every payload arrived: each incremental part's data merged at its path into the
 * first payload's data, and every payload's errors in arrival order.
 */
export function mergeIncremental(payloads: readonly IncrementalPayload[]): {
  data: Record<string, unknown> | null | undefined;
  errors: FormattedError[];
} {
  const [first, ...rest] = payloads;
  if (!first) throw new Error('no payload');
  const data = first.data;
  const errors = [...(first.errors ?? [])];
  for (const payload of rest) {
    for (const part of payload.incremental ?? []) {
      errors.push(...(part.errors ?? []));
      if (!part.data || !data) continue;
      let target: unknown = data;
      for (const step of part.path) target = (target as Record<string | number, unknown> | null)?.[step];
      if (target && typeof target === 'object') deepMerge(target as Record<string, unknown>, part.data);
    }
  }
  return { data, errors };
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) deepMerge(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value) && existing.length === value.length) {
      value.forEach((item, index) => {
        if (isObject(existing[index]) && isObject(item)) deepMerge(existing[index], item);
        else existing[index] = item;
      });
    } else target[key] = value;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where a deferred answer, once merged, differs from the same query's answer without @defer, other than in
 * the one way the incremental delivery RFC allows: an error's null does not bubble up past a deferred
 * fragment into data an earlier payload already delivered, so where the whole answer holds null above an
 * error's path, the merged one may hold that object. Empty when they are the same answer.
 */
export function deferredDifferences(
  merged: unknown,
  expected: unknown,
  errorPaths: readonly (readonly (string | number)[])[],
  path: (string | number)[] = [],
): string[] {
  if (expected === null && merged !== null && merged !== undefined) {
    const nulledByError = errorPaths.some(
      (errorPath) => errorPath.length > path.length && path.every((step, index) => errorPath[index] === step),
    );
    return nulledByError ? [] : [`${path.join('.')}: null expected, got ${JSON.stringify(merged)}`];
  }
  if (Array.isArray(expected) && Array.isArray(merged) && expected.length === merged.length) {
    return expected.flatMap((item, index) =>
      deferredDifferences(merged[index], item, errorPaths, [...path, index]),
    );
  }
  if (isObject(expected) && isObject(merged)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(merged)]);
    return [...keys].flatMap((key) =>
      deferredDifferences(merged[key], expected[key], errorPaths, [...path, key]),
    );
  }
  return JSON.stringify(merged) === JSON.stringify(expected)
    ? []
    : [`${path.join('.')}: ${JSON.stringify(expected)} expected, got ${JSON.stringify(merged)}`];
}

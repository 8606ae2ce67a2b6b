/**
 * Label values that clients influence (operation names, error codes) are bounded, because every distinct
 * value is a time series Prometheus keeps: a client inventing a new operation name per request must not be
 * able to grow a service's metrics without end.
 */

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Passes the first `limit` distinct values through; every later new value becomes `overflow`. */
export function boundedLabel(limit: number, overflow = 'other'): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= limit) return overflow;
    seen.add(value);
    return value;
  };
}

/**
 * The operation label: its name when it is a GraphQL name of at most 64 characters; `anonymous` for an
 * operation without a name (null); `unknown` when the request never got as far as naming one (undefined:
 * refused before parsing, unparsable); `invalid` for anything else.
 */
export function operationLabelOf(name: string | null | undefined): string {
  if (name === null) return 'anonymous';
  if (name === undefined || name === '') return 'unknown';
  return GRAPHQL_NAME.test(name) ? name : 'invalid';
}

/** The outcome label: `success`, or the code of the first error (an UPPER_CASE code; anything else `OTHER`). */
export function outcomeLabelOf(errorCode: string | undefined): string {
  if (errorCode === undefined) return 'success';
  return ERROR_CODE.test(errorCode) ? errorCode : 'OTHER';
}

/** The standard OTLP/HTTP convention: the endpoint variable is a base URL, traces go to `/v1/traces` under it. */
export function otlpTracesUrl(endpoint: string): string {
  return new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

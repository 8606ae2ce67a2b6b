/** The gateway's GraphQL URL, as the server that delivered this page wrote it into `index.html`. */
export function gatewayUrl(): string {
  const content = document
    .querySelector<HTMLMetaElement>('meta[name="supergraph-gateway-url"]')
    ?.getAttribute('content');
  if (!content || content === '__GATEWAY_URL__') {
    throw new Error('index.html names no gateway: serve the app with `npm run dev` or `npm run serve`.');
  }
  return new URL(content, window.location.href).href;
}

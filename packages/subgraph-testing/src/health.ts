/** What a running service's health endpoints answer (status and JSON body), without a token. */
export async function healthOf(origin: string) {
  const probe = async (path: string) => {
    const response = await fetch(`${origin}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };
  return { live: await probe('/health/live'), ready: await probe('/health/ready') };
}

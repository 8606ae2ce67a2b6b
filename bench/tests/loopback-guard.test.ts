import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { installLoopbackGuard } from '../src/process/loopback-guard.ts';

describe('the loopback guard of every benchmark process', () => {
  const attempts = installLoopbackGuard();

  it('refuses and records a connection beyond loopback (a cloud-metadata probe) before anything is sent', async () => {
    const started = Date.now();
    await expect(fetch('http://169.254.169.254/latest/meta-data/')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempts()).toEqual([expect.objectContaining({ host: '169.254.169.254', port: 80 })]);
  });

  it('lets loopback connections through', async () => {
    const server = createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const { connect } = await import('node:net');
      const text = await new Promise<string>((resolve, reject) => {
        let received = '';
        connect(port, '127.0.0.1')
          .on('data', (chunk) => (received += String(chunk)))
          .on('end', () => resolve(received))
          .on('error', reject);
      });
      expect(text).toBe('hello');
      expect(attempts()).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

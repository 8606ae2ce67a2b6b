import { describe, expect, it } from 'vitest';
import { responseOf, type BufferedResponse } from '../src/buffered-response.ts';

const buffered: BufferedResponse = {
  status: 200,
  statusText: 'OK',
  url: 'http://127.0.0.1:4001/graphql',
  body: '{"data":{"me":{"id":"1"}}}',
  headers: [
    ['Content-Type', 'application/json; charset=utf-8'],
    ['vary', 'Accept'],
    ['Vary', 'Origin'],
  ],
};

describe('a buffered subgraph answer handed out as a Response', () => {
  it('reads its body any number of times, as text and as JSON, and each copy alike', async () => {
    const response = responseOf(buffered);
    expect(await response.text()).toBe(buffered.body);
    expect(await response.json()).toEqual({ data: { me: { id: '1' } } });
    expect(await response.clone().text()).toBe(buffered.body);
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe(buffered.body);
    expect({
      ok: response.ok,
      status: response.status,
      url: response.url,
      bodyUsed: response.bodyUsed,
    }).toEqual({
      ok: true,
      status: 200,
      url: buffered.url,
      bodyUsed: false,
    });
    expect(responseOf({ ...buffered, status: 503 }).ok).toBe(false);
  });

  it('shows its headers as fetch does: any case, repeated ones joined, sorted, read-only', () => {
    const { headers } = responseOf(buffered);
    const fetchHeaders = new Headers(buffered.headers);
    expect(headers.get('content-type')).toBe(fetchHeaders.get('content-type'));
    expect(headers.get('VARY')).toBe(fetchHeaders.get('vary'));
    expect(headers.has('Cache-Control')).toBe(false);
    expect(headers.get('cache-control')).toBeNull();
    expect([...headers]).toEqual([...fetchHeaders]);
    expect([...{ [Symbol.iterator]: () => headers.keys() }]).toEqual([...fetchHeaders.keys()]);
    expect(() => headers.set('vary', 'x')).toThrow(TypeError);
  });
});

import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { compressResponses } from './compression.ts';

const big = JSON.stringify({ features: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Οδός ${i}` })) });
const app = new Hono();
app.use('*', compressResponses());
app.get('/json', (c) => c.json(JSON.parse(big)));
app.get('/tile', (c) => c.body(new Uint8Array(Buffer.from(big)), 200, { 'Content-Type': 'application/vnd.mapbox-vector-tile' }));
app.get('/stream', (c) => c.body(big, 200, { 'Content-Type': 'text/event-stream' }));
let served: Response | undefined;
app.get('/served', (c) => {
  served = c.body(new Uint8Array(Buffer.from(big)), 200, { 'Content-Type': 'application/vnd.mapbox-vector-tile', Vary: 'Cookie' });
  return served;
});

describe('response compression', () => {
  it('gzips JSON and vector tiles when the client accepts it, and only then', async () => {
    for (const path of ['/json', '/tile']) {
      const res = await app.request(path, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      expect(res.headers.get('content-encoding')).toBe('gzip');
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length).toBeLessThan(big.length / 3);
      expect(gunzipSync(body).toString()).toBe(big);
      const plain = await app.request(path);
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.text()).toBe(big);
    }
  });

  it('leaves server-sent event streams alone', async () => {
    const res = await app.request('/stream', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
  });

  it('hands an uncompressed answer out as the handler built it, with Vary naming Accept-Encoding', async () => {
    // Rebuilding it (hono does on a header set after the handler) copies the body into a stream.
    const res = await app.request('/served');
    expect(res).toBe(served);
    expect(res.headers.get('vary')).toBe('Cookie, Accept-Encoding');
    expect(await res.text()).toBe(big);
    const zipped = await app.request('/served', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Cookie, Accept-Encoding');
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { TileCache, etagMatches } from './tiles.cache.ts';
import { parseTileAddress, tileEtag } from './tiles.routes.ts';

describe('tile addressing', () => {
  it('parses z/x/y of zoom 0-22', () => {
    expect(parseTileAddress('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileAddress('22', '4194303', '4194303')).toEqual({ z: 22, x: 4194303, y: 4194303 });
  });

  it.each([
    ['23', '0', '0'],
    ['1', '2', '0'],
    ['1', '0', '2'],
    ['1.0', '0', '0'],
    ['-1', '0', '0'],
    ['', '0', '0'],
    ['0x1', '0', '0'],
    ['1', ' 0', '0'],
  ])('rejects %s/%s/%s with a 400', (z, x, y) => {
    try {
      parseTileAddress(z, x, y);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
    }
  });
});

describe('tile ETags', () => {
  const etag = tileEtag('water_pipes', 7, 14, 9267, 6340);

  it('name the layer, its version and the tile', () => {
    expect(etag).toBe('"t1-water_pipes-7-14-9267-6340"');
    expect(tileEtag('water_pipes', 8, 14, 9267, 6340)).not.toBe(etag);
  });

  it('match If-None-Match with weak comparison, lists and *', () => {
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`W/${etag}`, etag)).toBe(true);
    expect(etagMatches(`"a", ${etag} , "b"`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"t1-water_pipes-6-14-9267-6340"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
    expect(etagMatches('', etag)).toBe(false);
  });
});

describe('tile cache', () => {
  it('evicts least recently used tiles beyond its byte budget', () => {
    const cache = new TileCache({ maxBytes: 800 });
    cache.set('a/1/0/0/0', Buffer.alloc(100));
    cache.set('b/1/0/0/0', Buffer.alloc(100));
    expect(cache.get('a/1/0/0/0')).toBeDefined(); // a is now the most recent
    for (let i = 0; i < 7; i++) cache.set(`c/1/0/0/${i}`, Buffer.alloc(100));
    expect(cache.get('b/1/0/0/0')).toBeUndefined();
    expect(cache.get('a/1/0/0/0')).toBeDefined();
    expect(cache.size).toBe(8);
  });

  it('drops a changed layer at once and refuses tiles too big to be worth keeping', () => {
    const cache = new TileCache({ maxBytes: 8000 });
    cache.set('pipes/1/0/0/0', Buffer.alloc(10));
    cache.set('pipes_old/1/0/0/0', Buffer.alloc(10));
    cache.dropLayer('pipes');
    expect(cache.get('pipes/1/0/0/0')).toBeUndefined();
    expect(cache.get('pipes_old/1/0/0/0')).toBeDefined();
    cache.set('huge/1/0/0/0', Buffer.alloc(2000));
    expect(cache.get('huge/1/0/0/0')).toBeUndefined();
  });
});

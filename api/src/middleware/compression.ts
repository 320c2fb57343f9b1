/**
 * Compressed responses where the client accepts them (gzip or deflate, from Accept-Encoding):
 * JSON and GeoJSON of the API, and vector tiles, which are protobuf and shrink by about two
 * thirds. Server-sent event streams are left alone (a compressor would buffer the events), and
 * so are responses that are already compressed (the triage GeoJSON is gzipped once and cached).
 * Static files of the web app are precompressed at build instead (scripts/precompress.ts).
 *
 * `Vary: Accept-Encoding` is added to the response itself before hono's compressor looks at it.
 * The compressor would otherwise add it with `c.header()` after the response is finished, and
 * hono then rebuilds the whole response (`new Response(res.body, res)`): every tile and JSON
 * body was copied into a web stream and streamed out chunk by chunk instead of written at once,
 * even for clients that asked for no compression (bench T1: about a tenth of the API's CPU per
 * tile at z16).
 */
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

const TILE_TYPES = /^application\/(?:vnd\.mapbox-vector-tile|x-protobuf)/;
const VARY_ACCEPT_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

const compressible = (type: string) => TILE_TYPES.test(type) || COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type);

export const compressResponses = (): MiddlewareHandler => {
  const gzip = compress({ contentTypeFilter: compressible });
  return (c, next) =>
    gzip(c, async () => {
      await next();
      const type = c.res.headers.get('Content-Type');
      if (!type || !compressible(type)) return;
      const vary = c.res.headers.get('Vary');
      if (vary === '*' || (vary && VARY_ACCEPT_ENCODING.test(vary))) return;
      c.res.headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    });
};

/**
 * Compressed responses where the client accepts them (gzip or deflate, from Accept-Encoding):
 * JSON and GeoJSON of the API, and vector tiles, which are protobuf and shrink by about two
 * thirds. Server-sent event streams are left alone (a compressor would buffer the events), and
 * so are responses that are already compressed (the triage GeoJSON is gzipped once and cached).
 * Static files of the web app are precompressed at build instead (scripts/precompress.ts).
 */
import { compress } from 'hono/compress';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

const TILE_TYPES = /^application\/(?:vnd\.mapbox-vector-tile|x-protobuf)/;

export const compressResponses = () =>
  compress({ contentTypeFilter: (type: string) => TILE_TYPES.test(type) || COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) });

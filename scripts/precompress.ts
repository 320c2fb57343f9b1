/**
 * Precompresses the built web app: next to every compressible file of dist/web (JavaScript,
 * CSS, HTML, SVG, JSON, source maps excluded) a Brotli (.br, quality 11) and a gzip (.gz,
 * level 9) copy, so the server sends the smallest one the browser accepts without compressing
 * anything per request (api/src/web.routes.ts serves them with serveStatic `precompressed`).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt']);
/** Below this a compressed copy saves less than a network packet. */
const MIN_BYTES = 1024;

export function precompress(dir: string): { files: number; bytes: number; brotli: number; gzip: number } {
  const out = { files: 0, bytes: 0, brotli: 0, gzip: 0 };
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      if (!COMPRESSIBLE.has(extname(entry.name)) || statSync(full).size < MIN_BYTES) continue;
      const data = readFileSync(full);
      const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
      const gz = gzipSync(data, { level: 9 });
      writeFileSync(`${full}.br`, br);
      writeFileSync(`${full}.gz`, gz);
      out.files++;
      out.bytes += data.length;
      out.brotli += br.length;
      out.gzip += gz.length;
    }
  };
  walk(dir);
  return out;
}

/**
 * T3: the largest tile at every zoom z0-z18, fetched through the endpoint. The densest candidate
 * tiles of each layer come from counting feature centres per tile (tile-grid.ts); each candidate
 * is fetched and decoded, and the worst bytes and feature count per zoom are compared with
 * tippecanoe's 500 KB cap and pg_tileserv's 50,000-feature default. Target: never above.
 */
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { get } from '../lib/http-load.ts';
import { countFeatures } from '../lib/mvt.ts';
import { fmt } from '../lib/report.ts';
import { densestTiles } from '../lib/tile-grid.ts';
import { ensureBins, tilePath } from './tile-set.ts';

const MAX_BYTES = 500 * 1000;
const MAX_FEATURES = 50_000;
/** Candidates per layer and zoom: the densest by centre count is not always the heaviest tile. */
const CANDIDATES = 3;

interface Worst {
  z: number;
  bytes: number;
  bytesTile: string;
  features: number;
  featuresTile: string;
  slowestMs: number;
}

export const t3: Benchmark = {
  id: 'T3',
  title: 'largest tile at each zoom z0-z18 vs 500 KB and 50,000 features',
  async run(ctx: BenchContext) {
    const { baseUrl } = await ctx.server();
    await ensureBins(ctx);
    const worst: Worst[] = [];
    for (let z = 0; z <= 18; z++) {
      const candidates = await densestTiles(ctx.sql, z, CANDIDATES);
      const w: Worst = { z, bytes: 0, bytesTile: '-', features: 0, featuresTile: '-', slowestMs: 0 };
      for (const c of candidates) {
        const path = tilePath(c.layer, c);
        const r = await get(baseUrl + path);
        if (r.status !== 200 && r.status !== 204) throw new Error(`GET ${path} answered ${r.status}`);
        const { total } = countFeatures(r.bytes);
        if (r.bytes.length >= w.bytes) Object.assign(w, { bytes: r.bytes.length, bytesTile: path });
        if (total >= w.features) Object.assign(w, { features: total, featuresTile: path });
        w.slowestMs = Math.max(w.slowestMs, r.ms);
      }
      worst.push(w);
      ctx.report.context('T3', `z${z}: largest ${fmt.kb(w.bytes)} (${w.bytesTile}), most features ${fmt.n(w.features)} (${w.featuresTile}), slowest ${fmt.ms(w.slowestMs)}`);
    }
    const byBytes = worst.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const byFeatures = worst.reduce((a, b) => (b.features > a.features ? b : a));
    ctx.report.ratio('T3', `T3 largest tile bytes vs 500 KB (worst z${byBytes.z})`, byBytes.bytes / MAX_BYTES, { kind: 'max', value: 1.0 });
    ctx.report.ratio('T3', `T3 largest tile features vs 50,000 (worst z${byFeatures.z})`, byFeatures.features / MAX_FEATURES, { kind: 'max', value: 1.0 });
  },
};

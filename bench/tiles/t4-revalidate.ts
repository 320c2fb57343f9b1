/**
 * T4: revalidated tiles. Every tile of the T1 set is fetched once for its ETag, then requested
 * with If-None-Match under load; the server should answer 304 without building the tile. Compared
 * with the T1 floor (pgbench tps of the tile SQL): against the fastest zoom's floor (the hardest
 * comparison) and the slowest's. Target >= 10x.
 */
import { availableParallelism } from 'node:os';
import type { Benchmark } from '../lib/context.ts';
import { get, httpLoad, type LoadRequest } from '../lib/http-load.ts';
import { fmt } from '../lib/report.ts';
import { cpuMeter, cpuPerOp, postmasterPid } from '../lib/cpu.ts';
import { floors, measureFloor, probeTiles } from './t1-uncached.ts';
import { measureSeconds, tilePaths, tileSet } from './tile-set.ts';

export const t4: Benchmark = {
  id: 'T4',
  title: 'revalidated tiles (If-None-Match -> 304) vs the T1 floor',
  async run(ctx) {
    const server = await ctx.server();
    // The floors come from T1 when it ran in this process; otherwise measure the two extremes.
    const measured = floors(ctx);
    const zooms = ctx.profile.zooms;
    if (measured.size === 0) {
      for (const z of [zooms[0]!, zooms[zooms.length - 1]!]) {
        const tiles = await tileSet(ctx, z);
        if (tiles.length === 0) continue;
        const probe = await probeTiles(ctx, tilePaths(tiles));
        ctx.log(`T4: measuring the T1 floor at z${z}`);
        await measureFloor(ctx, z, tiles, measureSeconds(ctx, probe.meanMs));
      }
    }
    const all = [...measured.values()];
    if (all.length === 0) throw new Error('no T1 floor could be measured (no tiles with data)');
    const fastest = all.reduce((a, b) => (b.tps > a.tps ? b : a));
    const slowest = all.reduce((a, b) => (b.tps < a.tps ? b : a));

    const requests: LoadRequest[] = [];
    for (const z of zooms) {
      for (const path of tilePaths(await tileSet(ctx, z))) {
        const r = await get(server.baseUrl + path);
        if (!r.etag) throw new Error(`GET ${path} has no ETag`);
        const again = await get(server.baseUrl + path, { 'If-None-Match': r.etag });
        if (again.status !== 304) throw new Error(`GET ${path} with If-None-Match ${r.etag} answered ${again.status}, not 304`);
        requests.push({ path, headers: { 'If-None-Match': r.etag } });
      }
    }
    const seconds = ctx.profile.seconds;
    const meter = cpuMeter(server.pid, await postmasterPid(ctx.sql));
    const before = meter.sample();
    const load = await httpLoad({ baseUrl: server.baseUrl, requests, connections: ctx.profile.clients, seconds });
    const cpu = cpuPerOp(before, meter.sample(), load.requests);
    const not304 = load.requests - load.status['3xx'];
    const note = not304 > 0 ? `${not304} answers were not 304` : undefined;
    ctx.report.ratio('T4', `T4 304 revalidation req/s vs T1 floor z${fastest.z} (fastest)`, load.rps / fastest.tps, { kind: 'min', value: 10 }, note);
    ctx.report.ratio('T4', `T4 304 revalidation req/s vs T1 floor z${slowest.z} (slowest)`, load.rps / slowest.tps, { kind: 'min', value: 10 }, note);
    ctx.report.context('T4', `304s: ${fmt.n(load.rps, 0)} req/s (p50 ${fmt.ms(load.p50Ms)}, p99 ${fmt.ms(load.p99Ms)}) over ${requests.length} tiles of z${zooms[0]}-z${zooms[zooms.length - 1]}; floors ${fmt.n(fastest.tps, 1)} tps (z${fastest.z}) .. ${fmt.n(slowest.tps, 1)} tps (z${slowest.z}); ${ctx.profile.clients} connections, ${seconds} s`);
    // What bounds the rate: a 304 costs CPU in the app and in the load generator, on the same cores.
    const perRequest = (cpu.app ?? 0) + cpu.bench;
    const cores = availableParallelism();
    ctx.report.context('T4', `CPU per 304: app ${fmt.ms(cpu.app ?? Number.NaN)}, load generator ${fmt.ms(cpu.bench)}; ${cores} cores bound this machine at ~${fmt.n((cores * 1000) / perRequest, 0)} req/s, ${fmt.n((cores * 1000) / perRequest / fastest.tps, 1)}x the z${fastest.z} floor`);
  },
};

/**
 * Two small in-process caches for the tile path:
 * - LayerVersions: each layer's version and visibility, so a revalidation (If-None-Match) is
 *   answered with a 304 without running any tile SQL. Entries are dropped when the database
 *   notifies `layer_changed` (trigger in migrations/0004_create_tile_functions.sql) and expire after `ttlMs`
 *   anyway, so a lost notification costs at most that long of staleness.
 * - TileCache: rendered tiles that were expensive (low zoom, dense data) keyed by layer version, so
 *   the same z10 tile is built once per layer version and process. A changed layer changes the key.
 */
import type { Pool } from '../../db.ts';
import type { Logger } from '../../logger.ts';
import { getLayerVersion, type LayerVersionRow } from './tiles.sql.ts';

/** RFC 9110 If-None-Match with weak comparison: `*`, or any listed tag equal to ours. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const ours = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === ours);
}

export const LAYER_CHANGED_CHANNEL = 'layer_changed';

interface VersionEntry {
  row: LayerVersionRow | null;
  at: number;
}

export interface LayerVersionsOptions {
  /** Upper bound on staleness if a notification is lost. @default 5000 */
  ttlMs?: number;
  /** Entries kept; unknown ids are cached too, so the map is capped. @default 2000 */
  maxEntries?: number;
  /** Called with the layer id whenever the database reports a change. */
  onChange?: (layerId: string) => void;
}

export class LayerVersions {
  private readonly entries = new Map<string, VersionEntry>();
  private readonly sql: Pool;
  private readonly logger: Logger;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly onChange: ((layerId: string) => void) | undefined;
  private listening: Promise<void> | null = null;

  constructor(sql: Pool, logger: Logger, options: LayerVersionsOptions = {}) {
    this.sql = sql;
    this.logger = logger;
    this.ttlMs = options.ttlMs ?? 5000;
    this.maxEntries = options.maxEntries ?? 2000;
    this.onChange = options.onChange;
  }

  /** The layer's version and visibility, or null when it does not exist. */
  async get(id: string): Promise<LayerVersionRow | null> {
    this.listen();
    const hit = this.entries.get(id);
    if (hit && performance.now() - hit.at < this.ttlMs) return hit.row;
    const row = (await getLayerVersion(this.sql, id)) ?? null;
    this.set(id, row);
    return row;
  }

  /** Records a version read alongside a tile (never moves an entry backwards). */
  observe(id: string, version: number, isPublic: boolean): void {
    const hit = this.entries.get(id);
    if (hit?.row && hit.row.version > version) return;
    this.set(id, { version, is_public: isPublic });
  }

  drop(id: string): void {
    this.entries.delete(id);
  }

  private set(id: string, row: LayerVersionRow | null): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { row, at: performance.now() });
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = this.sql
      .listen(LAYER_CHANGED_CHANNEL, (id) => {
        this.entries.delete(id);
        this.onChange?.(id);
      })
      .then(
        () => undefined,
        (err: unknown) => {
          // The TTL still bounds staleness; retry the LISTEN on a later request.
          this.logger.warn('tiles: listen failed', { error: String((err as Error)?.message ?? err).slice(0, 200) });
          this.listening = null;
        },
      );
  }
}

export interface TileCacheOptions {
  /** Total bytes of tiles kept. @default 64 MiB */
  maxBytes?: number;
}

/** A byte-bounded LRU of tiles (Map insertion order is the recency order). */
export class TileCache {
  private readonly tiles = new Map<string, Buffer>();
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(options: TileCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  static key(layerId: string, version: number, z: number, x: number, y: number): string {
    return `${layerId}/${version}/${z}/${x}/${y}`;
  }

  get(key: string): Buffer | undefined {
    const tile = this.tiles.get(key);
    if (tile) {
      this.tiles.delete(key);
      this.tiles.set(key, tile);
    }
    return tile;
  }

  set(key: string, tile: Buffer): void {
    if (tile.length > this.maxBytes / 8) return;
    const old = this.tiles.get(key);
    if (old) {
      this.bytes -= old.length;
      this.tiles.delete(key);
    }
    this.tiles.set(key, tile);
    this.bytes += tile.length;
    for (const [k, v] of this.tiles) {
      if (this.bytes <= this.maxBytes) break;
      this.tiles.delete(k);
      this.bytes -= v.length;
    }
  }

  /** Frees a changed layer's tiles at once (their keys could never be hit again anyway). */
  dropLayer(layerId: string): void {
    const prefix = `${layerId}/`;
    for (const [k, v] of this.tiles) {
      if (k.startsWith(prefix)) {
        this.tiles.delete(k);
        this.bytes -= v.length;
      }
    }
  }

  get size(): number {
    return this.tiles.size;
  }
}

/**
 * Tile queries. The tile itself is built by the SQL function mvt_tile() (migrations/0004_create_tile_functions.sql);
 * these functions only call it, read the layer version that tile ETags key on, and describe a
 * layer for TileJSON. postgres.js prepares every statement, so a tile costs one Bind/Execute.
 */
import type { Db } from '../../db.ts';

export interface LayerVersionRow {
  version: number;
  is_public: boolean;
}

/** The version and visibility of a layer: all a revalidation (If-None-Match) needs. */
export async function getLayerVersion(sql: Db, id: string): Promise<LayerVersionRow | undefined> {
  const rows = await sql<LayerVersionRow[]>`
    select version, is_public
      from layers
     where id = ${id}`;
  return rows[0];
}

export interface TileRow {
  version: number;
  /** The MVT bytes; empty when no feature touches the tile. */
  tile: Buffer;
}

/**
 * One tile of a public layer with the version it was built from, read in one statement (one
 * snapshot), so the ETag sent with a tile always names the data in it. Undefined when the layer
 * is unknown or not public. `keys` are the layer's public attribute keys (layerTileKeys), cached
 * by the caller per layer version so the tile function does not sample them on every tile.
 */
export async function renderTile(sql: Db, layerId: string, z: number, x: number, y: number, keys: string[] | null): Promise<TileRow | undefined> {
  // The tile travels as base64 text, not bytea: postgres.js reads every value as text, and a
  // bytea's text form is hex, twice the tile's size, decoded to a string and then to bytes. Base64
  // is a third smaller on the wire and decodes faster (bench T1: the app's CPU per z10 tile).
  const rows = await sql<{ version: number; tile: string }[]>`
    select l.version, encode(coalesce(mvt_tile(l.id, ${z}::int, ${x}::int, ${y}::int, ${keys}::text[]), ''::bytea), 'base64') as tile
      from layers l
     where l.id = ${layerId}
       and l.is_public`;
  const row = rows[0];
  return row && { version: row.version, tile: Buffer.from(row.tile, 'base64') };
}

/** The attribute keys tiles of a layer carry (layer_attribute_keys() in SQL), with the version read. */
export async function layerTileKeys(sql: Db, layerId: string): Promise<{ version: number; keys: string[] } | undefined> {
  const rows = await sql<{ version: number; keys: string[] }[]>`
    select version, layer_attribute_keys(id, 8) as keys
      from layers
     where id = ${layerId}`;
  return rows[0];
}

export interface TileLayerRow {
  id: string;
  name_el: string;
  name_en: string;
  geometry_type: string;
  attribution: string;
  licence: string;
  version: number;
  /** [minLon, minLat, maxLon, maxLat] from layers.extent; null before the first import. */
  bounds: [number, number, number, number] | null;
  /** The attribute keys tiles may carry besides id, name, condition, criticality and count. */
  keys: string[];
}

/** A public layer as TileJSON needs it. */
export async function getTileLayer(sql: Db, id: string): Promise<TileLayerRow | undefined> {
  const rows = await sql<TileLayerRow[]>`
    select l.id, l.name_el, l.name_en, l.geometry_type, l.attribution, l.licence, l.version,
           case when l.extent is null then null
                else json_build_array(st_xmin(l.extent), st_ymin(l.extent), st_xmax(l.extent), st_ymax(l.extent)) end as bounds,
           layer_attribute_keys(l.id, 8) as keys
      from layers l
     where l.id = ${id}
       and l.is_public`;
  return rows[0];
}

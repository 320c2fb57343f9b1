/**
 * The wire format of a network trace (GET /api/networks/trace and the incident trace): the
 * properties of each feature of the GeoJSON the API builds in SQL (networks.sql.ts), read by the
 * control room's Trace tool. Types only, shared by both sides.
 */
export type TraceKind = 'isolation' | 'upstream' | 'downstream';

export interface TraceFeatureProps {
  role: 'valve_to_close' | 'source_to_shut' | 'isolated_edge' | 'unsupplied_edge' | 'edge' | 'node' | 'connection' | 'building';
  element: 'node' | 'edge' | 'connection' | 'asset';
  id: number | null;
  asset_id: number | null;
  depth: number | null;
  detail: string | null;
  name: string | null;
  layer_id: string | null;
  external_id: string | null;
}

/**
 * The allowlist serializer of the public read path (docs/reliability.md rule 1): every public
 * response about a report is built here from the public_incidents view's row, key by key. Adding a
 * column to the view does not publish it; adding a key here does.
 */
import type { PhotoRow, PublicEventRow, PublicIncidentRow } from './incidents.sql.ts';

export const PUBLIC_PROPERTY_KEYS = [
  'number', 'category', 'categoryName', 'serviceCode', 'status', 'open', 'description', 'address', 'asset',
  'supportCount', 'sensitive', 'createdAt', 'updatedAt', 'expectedAt', 'department',
] as const;

export function publicProperties(r: PublicIncidentRow) {
  return {
    number: r.number,
    category: r.category_id,
    categoryName: { el: r.category_name_el, en: r.category_name_en },
    serviceCode: r.service_code,
    status: r.status,
    open: r.open,
    description: r.description,
    address: r.address,
    asset: r.asset_id == null ? null : { id: r.asset_id, layer: r.asset_layer_id, distanceM: r.asset_distance_m },
    supportCount: r.support_count,
    sensitive: r.sensitive,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    expectedAt: r.sla_due_at,
    department: r.department_id,
  };
}

export function publicFeature(r: PublicIncidentRow) {
  return {
    type: 'Feature' as const,
    id: r.number,
    geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] as [number, number] },
    properties: publicProperties(r),
  };
}

export function publicTimeline(events: PublicEventRow[]) {
  return events.map((e) => ({ kind: e.kind, fromStatus: e.from_status, toStatus: e.to_status, note: e.note, at: e.created_at }));
}

/** Ready photos as URLs of their derivatives; pending ones are counted so the page can say "processing". */
export function photoList(photos: PhotoRow[], base: string) {
  return {
    photos: photos
      .filter((p) => p.status === 'ready')
      .map((p) => ({ url: `${base}/${p.sha256}.jpg`, thumbnailUrl: `${base}/${p.thumb_sha256}.jpg`, width: p.width, height: p.height })),
    photosProcessing: photos.filter((p) => p.status === 'pending').length,
  };
}

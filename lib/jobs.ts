/** Queue name → payload type: the one contract between the api (producer) and the workers. */
export interface JobPayloads {
  /** Import an uploaded FlatGeobuf / GeoJSON file into a layer (layer_imports row id). */
  'layer-import': { importId: string };
  /** Re-encode one uploaded report photo (attachments row id). */
  'photo-process': { attachmentId: number };
  /** Email the subscribers of a report about one status change (incident_events row id). */
  'status-email': { eventId: number };
  /** Scheduled every minute: mark SLA breaches and notify departments (no payload). */
  'sla-check': Record<string, never>;
  /** An alert was issued: cut its pending delivery ledger into chunk jobs (alerts row id). */
  'alert-fan-out': { alertId: number };
  /** Send one chunk of an alert's ledger (ledger ids fromId..toId, at most 1,000 rows). */
  'alert-deliver': { alertId: number; fromId: number; toId: number };
  /** Email a new subscriber the double opt-in link (alert_subscribers row id). */
  'alert-confirm-email': { subscriberId: number };
}

export type JobName = keyof JobPayloads;
export const JOB_NAMES: JobName[] = ['layer-import', 'photo-process', 'status-email', 'sla-check', 'alert-fan-out', 'alert-deliver', 'alert-confirm-email'];

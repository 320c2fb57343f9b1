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
  /** Scheduled hourly: remove upload and photo files no row points at (no payload). */
  'file-sweep': Record<string, never>;
}

export type JobName = keyof JobPayloads;
export const JOB_NAMES: JobName[] = ['layer-import', 'photo-process', 'status-email', 'sla-check', 'file-sweep'];

/** The dead-letter queue of a queue: jobs that failed every retry land there for an operator. */
export const deadLetterQueue = (name: JobName) => `${name}-dead`;

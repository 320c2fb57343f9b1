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

/** Dead-letter queues: jobs that used up their retries land here for an operator to see and re-drive. */
export const DEAD_LETTER_QUEUES = ['alert-deliver-dead'] as const;

/**
 * Per-queue options over the defaults of createQueues. Alert chunks retry with exponential
 * backoff and jitter (pg-boss retryBackoff) for about an hour, then go to the dead-letter queue
 * (RELIABILITY F11); re-driving one is safe because the ledger decides what is still to send.
 */
export const QUEUE_OPTIONS: Partial<Record<JobName, { retryLimit?: number; retryDelay?: number; retryBackoff?: boolean; retryDelayMax?: number; expireInSeconds?: number; deadLetter?: string }>> = {
  'alert-deliver': { retryLimit: 8, retryDelay: 15, retryBackoff: true, retryDelayMax: 900, expireInSeconds: 900, deadLetter: 'alert-deliver-dead' },
  'alert-fan-out': { retryLimit: 5, retryDelay: 5, retryBackoff: true },
};

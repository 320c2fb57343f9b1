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
  /** An alert was issued: cut its pending delivery ledger into chunk jobs (alerts row id). */
  'alert-fan-out': { alertId: number };
  /** Send one chunk of an alert's ledger (ledger ids fromId..toId, at most 1,000 rows). */
  'alert-deliver': { alertId: number; fromId: number; toId: number };
  /** Email a new subscriber the double opt-in link (alert_subscribers row id). */
  'alert-confirm-email': { subscriberId: number };
  /** Email a report's would-be subscriber the double opt-in link (incident_subscription_requests row id). */
  'report-confirm-email': { requestId: number };
  /** Scheduled daily: anonymise personal data past its retention period (no payload). */
  retention: Record<string, never>;
}

export type JobName = keyof JobPayloads;
export const JOB_NAMES: JobName[] = ['layer-import', 'photo-process', 'status-email', 'sla-check', 'file-sweep', 'alert-fan-out', 'alert-deliver', 'alert-confirm-email', 'retention', 'report-confirm-email'];

/** The dead-letter queue of a queue: jobs that failed every retry land there for an operator. */
export const deadLetterQueue = (name: JobName) => `${name}-dead`;

export interface QueueOptions {
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  retryDelayMax?: number;
  expireInSeconds?: number;
}

/**
 * Every queue: retries back off exponentially with jitter (5 s, ~10 s, ~20 s … at most 10 min,
 * pg-boss retryBackoff), then the job goes to its dead-letter queue, counted on GET /api/jobs
 * (docs/reliability.md F11), instead of being dropped silently.
 */
export const DEFAULT_QUEUE_OPTIONS: QueueOptions = { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 600, expireInSeconds: 3600 };

/**
 * Per-queue departures from the defaults. Alert chunks keep retrying for about an hour before
 * they are dead-lettered; re-driving one is safe because the ledger decides what is still to send.
 */
export const QUEUE_OPTIONS: Partial<Record<JobName, QueueOptions>> = {
  'alert-deliver': { retryLimit: 8, retryDelay: 15, retryDelayMax: 900, expireInSeconds: 900 },
};

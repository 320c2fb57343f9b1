import type { JobName, JobPayloads } from '../../../lib/jobs.ts';
import type { WorkerDeps } from '../worker.ts';
import { handleLayerImport } from './layer-import.ts';
import { handlePhotoProcess } from './photo-process.ts';
import { handleStatusEmail } from './status-email.ts';
import { handleSlaCheck } from './sla-check.ts';
import { handleAlertFanOut } from './alert-fan-out.ts';
import { handleAlertDeliver } from './alert-deliver.ts';
import { handleAlertConfirmEmail } from './alert-confirm-email.ts';
import { handleFileSweep } from './file-sweep.ts';
import { handleRetention } from './retention.ts';
import { handleReportConfirmEmail } from './report-confirm-email.ts';

export type Handler<N extends JobName> = (deps: WorkerDeps, data: JobPayloads[N]) => Promise<void>;

/** Every queue's handler. */
export const handlers: { [N in JobName]?: Handler<N> } = {
  'layer-import': handleLayerImport,
  'photo-process': handlePhotoProcess,
  'status-email': handleStatusEmail,
  'sla-check': async (deps) => {
    await handleSlaCheck(deps);
  },
  'alert-fan-out': async (deps, data) => {
    await handleAlertFanOut(deps, data);
  },
  'alert-deliver': async (deps, data) => {
    await handleAlertDeliver(deps, data);
  },
  'alert-confirm-email': handleAlertConfirmEmail,
  'file-sweep': async (deps) => {
    await handleFileSweep(deps);
  },
  'report-confirm-email': handleReportConfirmEmail,
  retention: async (deps) => {
    await handleRetention(deps);
  },
};

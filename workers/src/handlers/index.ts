import type { JobName, JobPayloads } from '../../../lib/jobs.ts';
import type { WorkerDeps } from '../worker.ts';

export type Handler<N extends JobName> = (deps: WorkerDeps, data: JobPayloads[N]) => Promise<void>;

/** Every queue's handler. */
export const handlers: { [N in JobName]?: Handler<N> } = {};

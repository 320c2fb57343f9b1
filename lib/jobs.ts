/** Queue name → payload type: the one contract between the api (producer) and the workers. */
export interface JobPayloads {
  /** Import an uploaded FlatGeobuf / GeoJSON file into a layer (layer_imports row id). */
  'layer-import': { importId: string };
}

export type JobName = keyof JobPayloads;
export const JOB_NAMES: JobName[] = ['layer-import'];

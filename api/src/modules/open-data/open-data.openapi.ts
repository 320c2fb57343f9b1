import type { PathsObject } from '../../openapi.ts';

export const openDataOpenApi: PathsObject = {};

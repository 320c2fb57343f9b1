import type { PathsObject } from '../../openapi.ts';

export const importsOpenApi: PathsObject = {};

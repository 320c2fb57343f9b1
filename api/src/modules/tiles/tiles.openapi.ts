import type { PathsObject } from '../../openapi.ts';

export const tilesOpenApi: PathsObject = {};

import type { PathsObject } from '../../openapi.ts';
import { body, errors, inQuery, staffSession } from '../../openapi-parts.ts';
import { PRIORITIES } from './triage.schema.ts';

const idList = { type: 'string', description: 'comma-separated, at most 50' };

export const triageColumnsOpenApi: PathsObject = {
  '/api/triage/incidents.columns': {
    get: {
      summary:
        'Every report the caller may see as a binary column snapshot for the control-room map (lib/staff-incident-columns.ts: "SIC1", a JSON header with dictionaries and offsets, then typed-array columns: positions f32, ids, protocol numbers, codes, creation times); brotli or gzip when accepted, ETag for 304, X-Feed-Id: the feed position to resume /api/triage/stream from. No reporter contact or description.',
      tags: ['triage'],
      security: staffSession,
      parameters: [
        inQuery('status', idList, 'statuses, or `open` / `closed`'),
        inQuery('priority', { ...idList, description: `of ${PRIORITIES.join(', ')}` }),
        inQuery('category', idList),
        inQuery('department', idList),
        inQuery('district', idList),
      ],
      responses: {
        200: body('the column snapshot', 'application/octet-stream', { type: 'string', format: 'binary' }),
        304: { description: 'unchanged since If-None-Match' },
        ...errors(400, 401),
      },
    },
  },
};

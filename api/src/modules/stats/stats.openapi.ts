import type { PathsObject } from '../../openapi.ts';
import { body, errors, inQuery, staffSession } from '../../openapi-parts.ts';

const tags = ['stats'];
const day = { type: 'string', format: 'date' };
const idList = { type: 'string', description: 'comma-separated ids, at most 50' };
/** statsFilter in stats.routes.ts: Athens calendar days, `to` inclusive, default the last 90 days. */
const filters = [
  inQuery('from', day, 'first day (Europe/Athens), inclusive; default 90 days before `to`'),
  inQuery('to', day, 'last day (Europe/Athens), inclusive; default now'),
  inQuery('category', idList),
  inQuery('department', idList),
  inQuery('district', idList),
];
const interval = inQuery('interval', { type: 'string', enum: ['day', 'week', 'month'], default: 'day' }, 'daily series cover at most 400 days');
const csv = body('one row per category, department and district total', 'text/csv', { type: 'string' });

export const statsOpenApi: PathsObject = {
  '/api/stats/summary': {
    get: { summary: 'Report counts and acknowledge / resolve medians by category, department and district, in the caller scope', tags, security: staffSession, parameters: filters, responses: { 200: body('summary'), ...errors(400, 401) } },
  },
  '/api/stats/summary.csv': {
    get: { summary: 'The staff summary as a CSV download', tags, security: staffSession, parameters: filters, responses: { 200: csv, ...errors(400, 401) } },
  },
  '/api/stats/trends': {
    get: { summary: 'Created, resolved and SLA-breached reports per day, week or month, with medians, in the caller scope', tags, security: staffSession, parameters: [...filters, interval], responses: { 200: body('{ interval, series }'), ...errors(400, 401) } },
  },
  '/api/public/stats': {
    get: { summary: 'Public transparency figures over published reports of all departments: the summary and its trend (no personal data; cached 5 minutes)', tags, parameters: [...filters, interval], responses: { 200: body('summary with { interval, trend }'), ...errors(400) } },
  },
  '/api/public/stats.csv': {
    get: { summary: 'The public summary as a CSV download', tags, parameters: filters, responses: { 200: csv, ...errors(400) } },
  },
};

/**
 * Why a request failed, in the citizen's language: the citizen page's own wording for the few
 * codes it explains in its own voice, then the shared sentence for the server's code, then the
 * server's message for a code no table knows yet.
 */
import { ApiError } from '../api-client.ts';
import { errorText } from '../error-text.ts';
import { tr, type CitizenKey } from './strings.ts';

const OWN: Record<string, CitizenKey> = { rate_limited: 'rate_limited', too_many_requests: 'rate_limited', out_of_bounds: 'out_of_bounds', network_error: 'network_error' };

export function reasonText(err: unknown): string {
  if (err instanceof ApiError) return OWN[err.code] ? tr(OWN[err.code]!) : errorText(err);
  // fetch() rejected: no answer at all.
  return tr('network_error');
}

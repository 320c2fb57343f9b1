import { describe, expect, it } from 'vitest';
import { toHttpError } from './errors.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('error funnel', () => {
  it('maps every kind of lost or refused database connection to 503, never 500 or 422', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '08006', '08001', '08P01', '57P01', '57P03', '53300']) {
      expect(toHttpError(pgError(code)).status, code).toBe(503);
    }
  });

  it('maps lock, idle-transaction and statement timeouts to 503', () => {
    for (const code of ['55P03', '25P03', '57014', '40P01']) expect(toHttpError(pgError(code)).status, code).toBe(503);
  });

  it('keeps XX000 a 422 only for geometry errors; any other internal error is a 500 without details', () => {
    expect(toHttpError(pgError('XX000', 'lwgeom_intersection: GEOS Error: TopologyException')).status).toBe(422);
    const other = toHttpError(pgError('XX000', 'could not read block 12 in file base/16384/2619'));
    expect(other.status).toBe(500);
    expect(other.message).not.toMatch(/block|file/);
  });
});

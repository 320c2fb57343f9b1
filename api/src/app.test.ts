import { describe, expect, it } from 'vitest';
import { loggablePath } from './app.ts';

describe('loggablePath', () => {
  it('hides the private tracking token of a report', () => {
    expect(loggablePath('/api/track/abcDEF123_-xyz')).toBe('/api/track/:token');
    expect(loggablePath('/api/track/abcDEF123/photos/ff.jpg')).toBe('/api/track/:token/photos/ff.jpg');
  });
  it('leaves other paths alone', () => {
    expect(loggablePath('/api/incidents/2026/000123')).toBe('/api/incidents/2026/000123');
  });
});

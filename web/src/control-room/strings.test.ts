/**
 * Every word of the control room exists in Greek and in English: the dispatcher's tables, the
 * Risk and trace panels, the shared labels and the server error codes. A key with one language
 * missing or empty would show a blank (or `undefined`) to half the staff.
 */
import { describe, expect, it } from 'vitest';
import { CODES } from '../error-text.ts';
import { STRINGS } from '../i18n.ts';
import { RISK_STRINGS } from './risk-strings.ts';
import { CR_STRINGS, tr, trOr } from './strings.ts';
import { TRACE_STRINGS } from './trace-strings.ts';

const TABLES: Record<string, Record<string, Record<string, string>>> = {
  'control-room/strings.ts': CR_STRINGS,
  'control-room/risk-strings.ts': RISK_STRINGS,
  'control-room/trace-strings.ts': TRACE_STRINGS,
  'i18n.ts': STRINGS,
  'error-text.ts': CODES,
};

/** Words the same in both languages on purpose (abbreviations, product names, symbols). */
const SAME = new Set(['sla', 'none', 'email', 'csv', 'actor_open311', 'younger_than', 'older_than']);

describe('control-room string tables', () => {
  for (const [file, table] of Object.entries(TABLES)) {
    it(`${file}: every key has a Greek and an English text`, () => {
      const missing = Object.entries(table).flatMap(([key, v]) => (['el', 'en'] as const).filter((l) => typeof v[l] !== 'string' || !v[l]!.trim()).map((l) => `${key}.${l}`));
      expect(missing).toEqual([]);
      const extra = Object.entries(table).flatMap(([key, v]) => Object.keys(v).filter((l) => l !== 'el' && l !== 'en').map((l) => `${key}.${l}`));
      expect(extra).toEqual([]);
    });

    it(`${file}: the Greek text is Greek (not an English copy)`, () => {
      const copies = Object.entries(table).filter(([key, v]) => !SAME.has(key) && v.el === v.en && /[a-z]{3}/i.test(v.el!) && !/^[A-Z0-9 ().-]+$/.test(v.el!));
      expect(copies.map(([k]) => k)).toEqual([]);
    });
  }

  it('names event kinds, statuses and roles in both languages, and falls back to the raw value', () => {
    for (const kind of ['created', 'status', 'category', 'note', 'photo', 'moderation', 'priority', 'department', 'assignment', 'merge', 'sla_breach', 'work_order']) {
      expect(tr(`ev_${kind}` as never, 'el')).toMatch(/[α-ωΑ-Ω]/);
      expect(tr(`ev_${kind}` as never, 'en')).toMatch(/[a-z]/i);
    }
    for (const role of ['admin', 'dispatcher', 'technician', 'crew', 'civil_protection', 'approver', 'viewer']) expect(tr(`role_${role}` as never, 'el')).toMatch(/[α-ωΑ-Ω]/);
    expect(trOr('ev_', 'brand_new_kind')).toBe('brand new kind');
  });
});

import { describe, expect, it } from 'vitest';
import { codeText, knownErrorCodes } from '../error-text.ts';
import { CREW_STRINGS, label, tr, type CrewKey } from './strings.ts';

const GREEK = /[\u0370-\u03ff\u1f00-\u1fff]/;
/** Written the same in Greek: the word is the brand or term Greek users read in Latin letters. */
const SAME_IN_GREEK = new Set<CrewKey>(['email']);

describe('crew string table', () => {
  const keys = Object.keys(CREW_STRINGS) as CrewKey[];

  it('has every key in Greek and in English, neither empty', () => {
    for (const key of keys) {
      const entry = CREW_STRINGS[key] as Record<string, string>;
      expect(Object.keys(entry).sort(), key).toEqual(['el', 'en']);
      expect(entry.el.trim(), `${key}.el`).not.toBe('');
      expect(entry.en.trim(), `${key}.en`).not.toBe('');
    }
  });

  it('writes the Greek side in Greek and the English side without Greek letters', () => {
    for (const key of keys) {
      const { el, en } = CREW_STRINGS[key];
      if (!SAME_IN_GREEK.has(key)) expect(GREEK.test(el), `${key}.el = ${el}`).toBe(true);
      expect(GREEK.test(en), `${key}.en = ${en}`).toBe(false);
    }
  });

  it('keeps the same placeholders in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keys) expect(vars(CREW_STRINGS[key].el), key).toEqual(vars(CREW_STRINGS[key].en));
    expect(tr('conflict_body', { to: 'A', now: 'B' }, 'en')).toBe('Your change to “A” was not applied; the work order is now “B”.');
  });

  it('labels every status a crew can see, in both languages, and falls back to the raw value', () => {
    for (const s of ['planned', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled']) {
      expect(label('status', s, 'el')).not.toBe(label('status', s, 'en'));
    }
    expect(label('status', 'on_hold', 'el')).toBe('on hold');
  });
});

describe('server error codes', () => {
  it('has a sentence in both languages for every code the photo uploads answer with', () => {
    for (const code of ['unsupported_media_type', 'corrupt_image', 'truncated_image', 'empty_photo', 'too_many_pixels', 'payload_too_large', 'too_many_photos', 'missing_photo']) {
      expect(knownErrorCodes(), code).toContain(code);
      const el = codeText(code, 'fallback', 'el');
      const en = codeText(code, 'fallback', 'en');
      expect(GREEK.test(el), `${code}.el`).toBe(true);
      expect(GREEK.test(en), `${code}.en`).toBe(false);
    }
  });

  it("falls back to the server's own message for a code it does not know", () => {
    expect(codeText('some_new_code', 'the server said so', 'el')).toBe('the server said so');
  });
});

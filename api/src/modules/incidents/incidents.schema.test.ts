import { describe, expect, it } from 'vitest';
import { containsContactDetails, formatProtocolNumber, IncidentCreateSchema, insideBbox, parseProtocolNumber, validateAnswers, type ExtraQuestion } from '../../../../lib/incidents.schema.ts';
import { sniffFormat, structureProblem } from './photos.ts';
import { escapeXml, toXml } from '../open311/open311.xml.ts';
import { stableUuid } from '../../jobs.ts';

const base = { category: 'street_lighting', description: 'x', location: { type: 'Point', coordinates: [23.62, 37.94] } };

describe('report schema', () => {
  it('accepts exactly a GeoJSON Point of two finite numbers', () => {
    expect(IncidentCreateSchema.safeParse(base).success).toBe(true);
    for (const coordinates of [[Infinity, 37], [NaN, 37], ['23.6', '37.9'], [23.6], [23.6, 37.9, 1], null]) {
      expect(IncidentCreateSchema.safeParse({ ...base, location: { type: 'Point', coordinates } }).success).toBe(false);
    }
    expect(IncidentCreateSchema.safeParse({ ...base, location: { ...base.location, crs: {} } }).success).toBe(false);
    expect(IncidentCreateSchema.safeParse({ ...base, location: { type: 'Feature', geometry: base.location } }).success).toBe(false);
  });
  it('defaults to anonymous, web, Greek', () => {
    const r = IncidentCreateSchema.parse(base);
    expect([r.anonymous, r.channel, r.locale, r.notify]).toEqual([true, 'web', 'el', true]);
  });
  it('refuses the open311 channel (it has its own endpoint)', () => {
    expect(IncidentCreateSchema.safeParse({ ...base, channel: 'open311' }).success).toBe(false);
  });
});

describe('checks', () => {
  it('finds contact details in free text (T2)', () => {
    expect(containsContactDetails('call 694 123 4567')).toBe(true);
    expect(containsContactDetails('+30 (210) 412-3456')).toBe(true);
    expect(containsContactDetails('write to maria@example.gr')).toBe(true);
    expect(containsContactDetails('λακκούβα 30 εκ. στο 12 της οδού')).toBe(false);
    expect(containsContactDetails('from 2024 to 2025')).toBe(false);
  });
  it('validates answers against the category questions', () => {
    const qs: ExtraQuestion[] = [{ code: 'state', datatype: 'singlevaluelist', required: true, order: 1, description_el: '', description_en: '', values: [{ key: 'off', name_el: '', name_en: '' }] }];
    expect(validateAnswers(qs, { state: 'off' })).toEqual({ answers: { state: 'off' } });
    expect(validateAnswers(qs, {})).toHaveProperty('error');
    expect(validateAnswers(qs, { state: 'on' })).toHaveProperty('error');
    expect(validateAnswers(qs, { state: 'off', other: 1 })).toHaveProperty('error');
  });
  it('parses and formats protocol numbers', () => {
    expect(parseProtocolNumber('2026/001234')).toEqual([2026, 1234]);
    expect(parseProtocolNumber('2026-1234')).toEqual([2026, 1234]);
    expect(parseProtocolNumber('2026/0000000')).toBeNull();
    expect(parseProtocolNumber('2026/000000')).toBeNull();
    expect(formatProtocolNumber(2026, 7)).toBe('2026/000007');
  });
  it('bbox pre-check refuses out-of-range and far points', () => {
    const b: [number, number, number, number] = [23.6, 37.93, 23.66, 37.97];
    expect(insideBbox(23.62, 37.94, b)).toBe(true);
    expect(insideBbox(37.94, 23.62, b)).toBe(false);
    expect(insideBbox(200, 37.94, b)).toBe(false);
    expect(insideBbox(23.62, 37.94, null)).toBe(false);
  });
  it('deterministic job ids', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('photo sniffing', () => {
  it('decides by magic bytes', () => {
    expect(sniffFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(Buffer.from('89504e470d0a1a0a', 'hex'))).toBe('png');
    expect(sniffFormat(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('webp');
    expect(sniffFormat(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffFormat(Buffer.from('<svg'))).toBeNull();
  });
  it('spots truncation without decoding', () => {
    expect(structureProblem(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'jpeg')).toBe('truncated');
    expect(structureProblem(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xd9]), 'jpeg')).toBeNull();
    expect(structureProblem(Buffer.from('RIFF\xff\x00\x00\x00WEBP', 'latin1'), 'webp')).toBe('truncated');
    expect(structureProblem(Buffer.from('89504e470d0a1a0a00000d49484452', 'hex'), 'png')).toBe('truncated');
  });
});

describe('Open311 XML', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(toXml('service_requests', { request: [{ id: 1, note: null }] })).toBe('<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><id>1</id><note></note></request></service_requests>');
  });
});

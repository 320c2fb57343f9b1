import { describe, expect, it } from 'vitest';
import { escapeHtml } from './dom.ts';

describe('escapeHtml', () => {
  it('escapes every character that could open markup or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
    expect(escapeHtml('© OpenStreetMap contributors (ODbL)')).toBe('© OpenStreetMap contributors (ODbL)');
  });
});

/**
 * What the citizen page keeps in the browser: a random device id (the API's second rate-limit
 * and "me too" key; it identifies nothing but this browser) and the reports sent from it, so the
 * reporter can reopen their private tracking view without keeping the link themselves.
 */
const DEVICE_KEY = 'gis.deviceId';
const REPORTS_KEY = 'gis.myReports';
const MAX_REPORTS = 20;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or storage full: the page still works, it only forgets.
  }
}

let memoryDeviceId: string | null = null;

export function deviceId(): string {
  const stored = read(DEVICE_KEY);
  if (stored && /^[A-Za-z0-9_-]{8,128}$/.test(stored)) return stored;
  memoryDeviceId ??= crypto.randomUUID().replace(/-/g, '');
  write(DEVICE_KEY, memoryDeviceId);
  return memoryDeviceId;
}

export interface MyReport {
  number: string;
  token: string;
  category: string;
  at: string;
}

export function myReports(): MyReport[] {
  try {
    const list = JSON.parse(read(REPORTS_KEY) ?? '[]') as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter((r): r is MyReport => typeof r?.number === 'string' && typeof r?.token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(r.token));
  } catch {
    return [];
  }
}

export function rememberReport(r: MyReport): void {
  const list = [r, ...myReports().filter((x) => x.number !== r.number)].slice(0, MAX_REPORTS);
  write(REPORTS_KEY, JSON.stringify(list));
}

/** The private tracking link. The token goes in the fragment, which browsers never send to a server. */
export function trackingLink(token: string): string {
  return `${location.origin}/#track=${token}`;
}

/** `?track=TOKEN` or `#track=TOKEN` of the current address, or null. */
export function tokenFromLocation(loc: { search: string; hash: string }): string | null {
  const fromHash = new URLSearchParams(loc.hash.replace(/^#/, '')).get('track');
  const fromQuery = new URLSearchParams(loc.search).get('track');
  const token = fromHash ?? fromQuery;
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
}

/** `#report=2026/001234` (the public view by number). */
export function numberFromLocation(loc: { hash: string }): string | null {
  const n = new URLSearchParams(loc.hash.replace(/^#/, '')).get('report');
  return n ? normaliseNumber(n) : null;
}

/** Accepts `2026/1234`, `2026-001234`, ` 2026 / 001234 ` → `2026/001234`; null otherwise. */
export function normaliseNumber(input: string): string | null {
  const m = /^\s*(\d{4})\s*[/-]\s*(\d{1,6})\s*$/.exec(input);
  if (!m) return null;
  if (Number(m[2]) < 1) return null;
  return `${m[1]}/${m[2]!.padStart(6, '0')}`;
}

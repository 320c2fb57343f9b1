/**
 * Nothing names the demo city outside its data (gis-data/demo) and manifest: the platform is the
 * same for every municipality, and the demo's name comes from the manifest or the settings.
 * Tests, fixtures and documentation may name it (they describe the demo); product source may not.
 * Reads the source tree (no network, no database).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'gis-data/manifest.json'), 'utf8')) as { municipality: { town?: { el: string; en: string }; name: { el: string; en: string } } };

/** Accent-free upper case: Greek capitals carry no accents, so "Πειραιά" and "ΠΕΙΡΑΙΑ" meet. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();

const town = manifest.municipality.town ?? { el: manifest.municipality.name.el.split(' ').pop()!, en: manifest.municipality.name.en.split(' ').pop()! };
/** The English name, and the Greek stem shared by its cases (Πειραιάς, Πειραιά, Πειραιώς). */
const NEEDLES = [fold(town.en), fold(town.el).slice(0, Math.max(4, fold(town.el).length - 1))];

const ROOTS = ['api/src', 'workers/src', 'web/src', 'lib', 'scripts', 'migrations', 'gis-data/src'];
const FILES = ['web/index.html', 'web/control.html', 'web/crew.html', '.env.example', 'package.json', '.ci/run'];
const SOURCE = /\.(ts|js|sql|html|css|json)$/;
const NOT_PRODUCT = /(\.test\.ts|\.e2e\.ts|\.fixtures\.ts|test-helpers\.ts|\/fixtures\/)$|\/fixtures\//;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (SOURCE.test(name)) out.push(full);
  }
}

describe('no hard-coded city', () => {
  it(`no product source file outside gis-data/demo and the manifest names ${town.en}`, () => {
    const files: string[] = FILES.map((f) => join(root, f));
    for (const r of ROOTS) walk(join(root, r), files);
    const product = files.filter((f) => !NOT_PRODUCT.test(relative(root, f)));
    expect(product.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const f of product) {
      const lines = fold(readFileSync(f, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (NEEDLES.some((n) => line.includes(n))) offenders.push(`${relative(root, f)}:${i + 1}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

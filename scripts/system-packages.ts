/**
 * System tools the platform or its tests run as programs (PostgreSQL + PostGIS, GDAL's ogr2ogr,
 * Chromium, xmllint, OWSLib). A missing tool is installed through apt when we are root on Debian;
 * otherwise we stop with the exact command to run, before doing anything else.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ProvisionError } from './local-cluster.ts';

export interface SystemTool {
  /** What the tool is for, in the message a person reads. */
  purpose: string;
  /** Absolute path of the program that proves the package is installed. */
  binary: string;
  /** Debian packages that bring it. */
  packages: string[];
}

export const CHROMIUM: SystemTool = { purpose: 'browser tests (Chromium)', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', packages: ['chromium', 'fonts-dejavu-core'] };
export const GDAL: SystemTool = { purpose: 'imports of GeoPackage, Shapefile, KML, GML, DXF and CSV, and independent checks (GDAL ogr2ogr)', binary: '/usr/bin/ogr2ogr', packages: ['gdal-bin'] };
export const OWSLIB: SystemTool = { purpose: 'a second OGC API client in the tests (Python OWSLib)', binary: '/usr/lib/python3/dist-packages/owslib/__init__.py', packages: ['python3-owslib'] };
export const FONTS: SystemTool = { purpose: 'labels of the offline basemap (DejaVu fonts)', binary: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', packages: ['fonts-dejavu-core'] };
export const XMLLINT: SystemTool = { purpose: 'XML schema checks (xmllint)', binary: '/usr/bin/xmllint', packages: ['libxml2-utils'] };

export function aptCommand(packages: string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** Installs what is missing of `tools` (apt as root) or throws a ProvisionError naming the command. */
export function ensureSystemTools(tools: SystemTool[], log: (message: string) => void = (m) => process.stderr.write(`[setup] ${m}\n`)): void {
  const missing = tools.filter((t) => !existsSync(t.binary));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.flatMap((t) => t.packages))];
  const command = aptCommand(packages);
  const what = missing.map((t) => t.purpose).join(', ');
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new ProvisionError(`Missing system packages for ${what}. Install them with:\n  sudo ${command}`);
  }
  log(`installing ${packages.join(', ')} through apt for ${what} (one time)…`);
  const result = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const still = missing.filter((t) => !existsSync(t.binary));
  if (result.status !== 0 || still.length > 0) throw new ProvisionError(`apt could not install ${packages.join(', ')}. Run it by hand:\n  ${command}`);
}

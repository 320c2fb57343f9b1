/**
 * GDAL's command-line tools (ogr2ogr, ogrinfo) convert GeoPackage, Shapefile, KML, GML, DXF and
 * CSV imports. Provisioned like PostGIS: installed through apt when we are root on Debian,
 * otherwise the exact command is printed. Missing GDAL never stops the platform: FlatGeobuf and
 * GeoJSON imports do not need it, and the other formats fail with the same command as advice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const GDAL_APT_PACKAGES = ['gdal-bin'];

export function gdalInstalled(): boolean {
  return spawnSync('ogr2ogr', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Returns true when ogr2ogr runs after the call. */
export function ensureGdal(log: (m: string) => void = (m) => process.stderr.write(`[gdal] ${m}\n`)): boolean {
  if (gdalInstalled()) return true;
  const command = `apt-get update && apt-get install -y ${GDAL_APT_PACKAGES.join(' ')}`;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    log(`GDAL is not installed: imports of GeoPackage, Shapefile, KML, GML, DXF and CSV need it. Install it with:\n  sudo ${command}`);
    return false;
  }
  log('installing GDAL (gdal-bin) through apt (one time)…');
  const r = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0 || !gdalInstalled()) {
    log(`apt could not install GDAL. Run it by hand:\n  ${command}`);
    return false;
  }
  return true;
}

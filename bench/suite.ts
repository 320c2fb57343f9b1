/**
 * The benchmarks, in run order. Adding one (I1, I2, J1, ...): write bench/<area>/<id>-<what>.ts
 * exporting a Benchmark and list it here; `--only` selects by id.
 */
import type { Benchmark } from './lib/context.ts';
import { t1 } from './tiles/t1-uncached.ts';
import { t2 } from './tiles/t2-peers.ts';
import { t3 } from './tiles/t3-largest.ts';
import { t4 } from './tiles/t4-revalidate.ts';
import { x1, x2 } from './export/export-bench.ts';
import { x3 } from './import/x3-import.ts';
import { c1 } from './incidents/c1-control-room.ts';
import { i1, i2, l2 } from './incidents/i1-intake.ts';
import { l1 } from './incidents/l1-public-map.ts';
import { s1 } from './scale/s1-scale-out.ts';
import { n1 } from './networks/n1-traces.ts';
import { j1 } from './alerts/j1-exposure.ts';
import { f1 } from './alerts/f1-fan-out.ts';
import { w1 } from './web/w1-first-render.ts';
import { l7 } from './auth/l7-login-storm.ts';
import { l8 } from './soak/l8-soak.ts';

export const SUITE: Benchmark[] = [t1, t2, t3, t4, x1, x2, x3, c1, l1, s1, i1, l2, i2, n1, j1, f1, w1, l7, l8];

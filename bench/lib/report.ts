/**
 * Output: one line per ratio, `name: value (target)`, as docs/benchmarks.md asks; absolute figures
 * as indented context lines below. Everything is also kept for the JSON file in bench/results/.
 */

export type Target =
  | { kind: 'min'; value: number } // ratio must be >= value
  | { kind: 'max'; value: number } // ratio must be <= value
  | { kind: 'info' }; // context ratio without a target

export interface RatioLine {
  bench: string;
  name: string;
  value: number;
  target: Target;
  met: boolean | null;
  note?: string;
}

export interface Reporter {
  ratio(bench: string, name: string, value: number, target: Target, note?: string): RatioLine;
  /** An absolute figure (context only). */
  context(bench: string, text: string): void;
  /** A benchmark that could not produce a figure, with the reason. */
  skipped(bench: string, reason: string): void;
  lines: RatioLine[];
  contexts: { bench: string; text: string }[];
  skips: { bench: string; reason: string }[];
}

export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return `${value.toFixed(0)}x`;
  if (value >= 10) return `${value.toFixed(1)}x`;
  return `${value.toFixed(2)}x`;
}

export function formatTarget(t: Target): string {
  if (t.kind === 'min') return `>= ${t.value}x`;
  if (t.kind === 'max') return `<= ${t.value}x`;
  return 'context';
}

export function createReporter(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Reporter {
  const lines: RatioLine[] = [];
  const contexts: { bench: string; text: string }[] = [];
  const skips: { bench: string; reason: string }[] = [];
  return {
    lines,
    contexts,
    skips,
    ratio(bench, name, value, target, note) {
      const met = target.kind === 'min' ? value >= target.value : target.kind === 'max' ? value <= target.value : null;
      const line: RatioLine = { bench, name, value, target, met, ...(note ? { note } : {}) };
      lines.push(line);
      write(`${name}: ${formatRatio(value)} (${formatTarget(target)})${met === false ? '  <-- missed' : ''}${note ? `  [${note}]` : ''}`);
      return line;
    },
    context(bench, text) {
      contexts.push({ bench, text });
      write(`    ${text}`);
    },
    skipped(bench, reason) {
      skips.push({ bench, reason });
      write(`${bench}: not run (${reason})`);
    },
  };
}

export const fmt = {
  n: (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }),
  s: (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} s`,
  ms: (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`,
  mb: (v: number) => `${v.toFixed(0)} MB`,
  kb: (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`,
};

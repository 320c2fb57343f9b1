/** The logger: JSON lines, the level filter, and stdout written in batches. */
import { describe, expect, it } from 'vitest';
import { batchedWriter, createLogger } from './logger.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createLogger', () => {
  it('writes one JSON line per event at or above its level', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    logger.debug('hidden');
    logger.info('request', { status: 200 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'request', status: 200 });
  });
});

describe('batchedWriter', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    const w = batchedWriter((c) => writes.push(c));
    w.write('a\n');
    w.write('b\n');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['a\nb\n']);
    w.write('c\n');
    await turn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when the pending lines reach the byte cap, and flush() empties it', () => {
    const writes: string[] = [];
    const w = batchedWriter((c) => writes.push(c), 8);
    w.write('1234\n');
    w.write('5678\n');
    expect(writes).toEqual(['1234\n5678\n']);
    w.write('x\n');
    w.flush();
    expect(writes).toEqual(['1234\n5678\n', 'x\n']);
    w.flush();
    expect(writes).toHaveLength(2);
  });
});

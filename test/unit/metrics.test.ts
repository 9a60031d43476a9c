import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RunMetrics, summaryRows, summaryTable, type MetricPoint } from '../../src/metrics.js';
import { startProgress } from '../../src/progress.js';

/** A logger writing JSON lines into an array. */
function memoryLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'info', base: undefined },
    new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    }),
  );
  const metrics = () => lines.filter((l) => String(l.msg).startsWith('METRIC: ')).map((l) => JSON.parse(String(l.msg).slice('METRIC: '.length)) as MetricPoint);
  return { log, lines, metrics };
}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RunMetrics', () => {
  it('writes record_count per stream (records since the last report) and batch_processing_time per batch, in the Singer SDK shape', async () => {
    const { log, metrics } = memoryLog();
    const m = new RunMetrics(log, 60_000, 4242);
    m.stream('users').records += 3;
    m.stream('orders').records += 1;
    m.batch('users', 0.4217, { inserted: 3, updated: 0, deleted: 0 });
    m.batch('orders', 0.01, undefined);
    m.reportCounts();
    m.stream('users').records += 2;
    m.finish(false);
    await tick(10);
    expect(metrics()).toEqual([
      { type: 'timer', metric: 'batch_processing_time', value: 0.4217, tags: { stream: 'users', pid: 4242, status: 'succeeded' } },
      { type: 'timer', metric: 'batch_processing_time', value: 0.01, tags: { stream: 'orders', pid: 4242, status: 'failed' } },
      { type: 'counter', metric: 'record_count', value: 3, tags: { stream: 'users', pid: 4242 } },
      { type: 'counter', metric: 'record_count', value: 1, tags: { stream: 'orders', pid: 4242 } },
      { type: 'counter', metric: 'record_count', value: 2, tags: { stream: 'users', pid: 4242 } },
    ]);
  });

  it('reports counts on its interval', async () => {
    const { log, metrics } = memoryLog();
    const m = new RunMetrics(log, 30, 1);
    m.start();
    m.stream('s').records += 5;
    await tick(80);
    m.finish(false);
    await tick(10);
    expect(metrics().filter((p) => p.metric === 'record_count')).toEqual([{ type: 'counter', metric: 'record_count', value: 5, tags: { stream: 's', pid: 1 } }]);
  });

  it('ends with one structured summary line off a terminal', async () => {
    const { log, lines } = memoryLog();
    const m = new RunMetrics(log, 60_000, 1);
    m.stream('users').records += 4;
    m.batch('users', 0.5, { inserted: 3, updated: 1, deleted: 1 });
    m.stream('users').deleted += 1;
    m.finish(false);
    await tick(10);
    const summary = lines.filter((l) => l.msg === 'summary');
    expect(summary).toHaveLength(1);
    expect(summary[0].streams).toMatchObject({ users: { records: 4, inserted: 3, updated: 1, deleted: 2, batches: 1, failed_batches: 0, batch_seconds: 0.5 } });
  });
});

describe('summary table and progress (terminal)', () => {
  it('lays the summary out in aligned columns', () => {
    const stats = new Map([['users', { records: 1234, reported: 0, inserted: 1200, updated: 34, batches: 2, failedBatches: 0, batchSeconds: 1.5, deleted: 0 }]]);
    const table = summaryTable(summaryRows(stats, 2));
    expect(table.split('\n')[0]).toBe('stream  records  inserted  updated  deleted  batches  failed  batch s  rows/s');
    expect(table.split('\n')[2]).toBe('users     1,234     1,200       34        0        2       0      1.5     617');
  });

  it('redraws one line on a TTY with rows and rows/s per stream, and clears it at the end', async () => {
    const { log } = memoryLog();
    const m = new RunMetrics(log, 60_000, 1);
    m.stream('users').records += 10;
    const written: string[] = [];
    const stop = startProgress(m, { isTTY: true, columns: 80, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream);
    await tick(300);
    stop();
    expect(written[0]).toMatch(/^\r\x1b\[Kusers 10 \([\d,]+\/s\)$/);
    expect(written.at(-1)).toBe('\r\x1b[K');
    const none: string[] = [];
    startProgress(m, { isTTY: false, write: (s: string) => none.push(s) } as unknown as NodeJS.WriteStream)();
    expect(none).toEqual([]);
  });
});

import type { RunMetrics } from './metrics.js';

/**
 * Live progress on a terminal: one stderr line, redrawn at most four times a second, with rows
 * received and rows/s per stream. Never on stdout (state only), never when stderr is not a TTY.
 */
export function startProgress(metrics: RunMetrics, out: NodeJS.WriteStream = process.stderr): () => void {
  if (!out.isTTY) return () => undefined;
  const started = performance.now();
  let shown = false;
  const draw = () => {
    const seconds = (performance.now() - started) / 1000;
    const parts = metrics.snapshot().map(([stream, s]) => `${stream} ${s.records.toLocaleString('en-US')} (${Math.round(s.records / Math.max(seconds, 0.001)).toLocaleString('en-US')}/s)`);
    if (parts.length === 0) return;
    const text = parts.join(' · ');
    const width = out.columns ?? 120;
    out.write(`\r\x1b[K${text.length > width - 1 ? text.slice(0, width - 2) + '…' : text}`);
    shown = true;
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (shown) out.write('\r\x1b[K');
  };
}

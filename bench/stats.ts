import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Busy fraction of the whole machine (all cores) between two `os.cpus()` snapshots. */
export function cpuSnapshot(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const sum = t.user + t.nice + t.sys + t.idle + t.irq;
    total += sum;
    busy += sum - t.idle;
  }
  return { busy, total };
}

export function machineBusy(from: { busy: number; total: number }, to: { busy: number; total: number }): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : Number.NaN;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Bodies of `POST /v1/threads/:id/messages`: 1 KiB of random "ciphertext", a 24-byte nonce and a
 * 64-byte signature (the server checks their shape, never their content), and a fresh
 * clientMessageId each time, so that every request stores a new message.
 */
export class MessageBodies {
  readonly #pool: Array<{ nonce: string; ciphertext: string; signature: string }> = [];
  #next = 0;

  constructor(readonly epoch: number, ciphertextBytes = 1024, variety = 64) {
    for (let i = 0; i < variety; i++) {
      this.#pool.push({
        nonce: b64url(randomBytes(24)),
        ciphertext: b64url(randomBytes(ciphertextBytes)),
        signature: b64url(randomBytes(64)),
      });
    }
  }

  /** A body with a new clientMessageId; returns the id too. */
  next(): { clientMessageId: string; body: string } {
    const parts = this.#pool[this.#next++ % this.#pool.length];
    if (!parts) throw new Error('empty body pool');
    const clientMessageId = randomUUID();
    return { clientMessageId, body: JSON.stringify({ clientMessageId, epoch: this.epoch, ...parts }) };
  }
}

export const fmt = {
  rps: (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} req/s` : 'n/a'),
  ms: (value: number) => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms` : 'n/a'),
  ratio: (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a'),
  pct: (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)} %` : 'n/a'),
};

import { describe, expect, it } from 'vitest';
import { FrameAdmission } from '../../src/realtime/frame-admission.ts';
import { SyncQueue } from '../../src/realtime/sync-queue.ts';
import { TokenBucket } from '../../src/realtime/token-bucket.ts';

/** A clock the test moves by hand. */
function manualClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('should allow a burst of its capacity, then refill at its rate', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(3, 2, clock.now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.msUntilToken()).toBe(500);
    clock.advance(499);
    expect(bucket.take()).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toBe(true);
    clock.advance(60_000);
    expect(bucket.isFull()).toBe(true);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('FrameAdmission', () => {
  it('should warn once, then drop silently, then close once the client went on for another whole burst', () => {
    const clock = manualClock();
    const admission = new FrameAdmission(new TokenBucket(3, 1, clock.now));
    const verdicts = Array.from({ length: 7 }, () => admission.admit(null).verdict);
    expect(verdicts).toEqual(['accept', 'accept', 'accept', 'warn', 'drop', 'drop', 'close']);
  });

  it('should tell how long to wait, and forgive a client that waited', () => {
    const clock = manualClock();
    const admission = new FrameAdmission(new TokenBucket(2, 4, clock.now));
    admission.admit(null);
    admission.admit(null);
    expect(admission.admit(null)).toEqual({ verdict: 'warn', retryAfterMs: 250 });
    clock.advance(250);
    expect(admission.admit(null).verdict).toBe('accept');
    // The count of dropped frames started again: the next refusal is a warning, not a close.
    expect(admission.admit(null).verdict).toBe('warn');
  });

  it('should need a token of the user as well, and take none when either bucket is empty', () => {
    const clock = manualClock();
    const user = new TokenBucket(2, 1, clock.now);
    const first = new FrameAdmission(new TokenBucket(5, 1, clock.now));
    const second = new FrameAdmission(new TokenBucket(5, 1, clock.now));
    expect([first.admit(user).verdict, second.admit(user).verdict, second.admit(user).verdict]).toEqual(['accept', 'accept', 'warn']);
    const third = new FrameAdmission(new TokenBucket(1, 0.001, clock.now));
    clock.advance(1_000);
    expect(third.admit(user).verdict).toBe('accept');
    clock.advance(1_000);
    // The connection's bucket is empty: refused, and the user's new token stays for the user's other connections.
    expect(third.admit(user).verdict).toBe('warn');
    expect(first.admit(user).verdict).toBe('accept');
  });
});

describe('SyncQueue', () => {
  it('should run one catch-up at a time and merge requests for a waiting thread from the lower position', async () => {
    const runs: string[] = [];
    let release: () => void = () => {};
    let running = 0;
    let most = 0;
    const queue = new SyncQueue(async (threadId, afterSeq) => {
      running += 1;
      most = Math.max(most, running);
      runs.push(`${threadId}@${afterSeq}`);
      await new Promise<void>((resolve) => (release = resolve));
      running -= 1;
    });
    queue.request('a', 5);
    for (let i = 0; i < 100; i++) queue.request('a', 10);
    queue.request('b', 3);
    queue.request('a', 2);
    queue.request('b', 1);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      release();
    }
    await new Promise((resolve) => setImmediate(resolve));
    // The running `a@5` ran once; everything asked meanwhile became one `a` (from 2) and one `b` (from 1).
    expect(runs).toEqual(['a@5', 'a@2', 'b@1']);
    expect(most).toBe(1);
  });

  it('should drop what waits when stopped', async () => {
    const runs: string[] = [];
    const queue = new SyncQueue(async (threadId) => {
      runs.push(threadId);
      await new Promise((resolve) => setImmediate(resolve));
    });
    queue.request('a', 0);
    queue.request('b', 0);
    queue.stop();
    queue.request('c', 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toEqual(['a']);
  });
});

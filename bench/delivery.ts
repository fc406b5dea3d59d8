import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { summarize, type LatencySummary, type MessageBodies } from './stats.ts';

/**
 * Open loop: item i is due at start + i/rate, whatever happened to earlier items, and its
 * latency is measured from that due time (no coordinated omission).
 */
async function openLoop(rate: number, count: number, fire: (i: number, dueAt: number) => void): Promise<void> {
  const interval = 1000 / rate;
  const start = performance.now() + 20;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < count && start + i * interval <= now) {
        fire(i, start + i * interval);
        i += 1;
      }
      if (i >= count) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
    };
    tick();
  });
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

export interface DeliveryRun {
  rate: number;
  seconds: number;
  /** POSTs issued / answered 201 / failed (non-201 or network error). */
  sent: number;
  accepted: number;
  failed: number;
  received: number;
  /** Accepted (201) but never delivered on the socket within the grace period. */
  lost: number;
  /** Due time of the POST on instance A → `message` frame on instance B's socket. */
  latency: LatencySummary;
  /** Due time of the POST → its 201 on A (for diagnosis). */
  ack: LatencySummary;
  /** 201s per second from the first due time to the last answer: what A sustained. */
  achievedRate: number;
}

export interface DeliveryLoad {
  sendUrl: string;
  receiveUrl: string;
  threadId: string;
  senderToken: string;
  receiverToken: string;
  bodies: MessageBodies;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  /** Keep-alive connections the sender may open to instance A. */
  sockets: number;
  graceMs: number;
  /** Called after the warm-up, right before the measured phase. */
  onMeasureStart?: () => void;
}

async function openSocket(baseUrl: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WebSocket: no ready frame within 10 s')), 10_000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
    socket.on('message', function onReady(data) {
      const frame = JSON.parse(data.toString()) as { type?: string; code?: string };
      if (frame.type === 'ready') {
        clearTimeout(timer);
        socket.off('message', onReady);
        resolve();
      } else if (frame.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`WebSocket auth failed: ${String(frame.code)}`));
      }
    });
  });
  return socket;
}

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

interface Phase {
  due: Map<string, number>;
  delivered: Map<string, number>;
  acks: number[];
  accepted: number;
  failed: number;
  pending: number;
  startedAt: number;
  lastAnswerAt: number;
}

/** (c) POSTs to instance A at a fixed rate; a counsellor's WebSocket on instance B times each delivery. */
export async function runDelivery(load: DeliveryLoad): Promise<DeliveryRun> {
  const socket = await openSocket(load.receiveUrl, load.receiverToken);
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.sockets });
  const url = new URL(`/v1/threads/${load.threadId}/messages`, load.sendUrl);
  const newPhase = (): Phase => ({
    due: new Map(),
    delivered: new Map(),
    acks: [],
    accepted: 0,
    failed: 0,
    pending: 0,
    startedAt: performance.now(),
    lastAnswerAt: performance.now(),
  });
  let phase = newPhase();

  socket.on('message', (data) => {
    const now = performance.now();
    const frame = JSON.parse(data.toString()) as { type?: string; threadId?: string; message?: { clientMessageId?: string } };
    if (frame.type !== 'message' || frame.threadId !== load.threadId) return;
    const id = frame.message?.clientMessageId;
    if (!id) return;
    const due = phase.due.get(id);
    if (due !== undefined && !phase.delivered.has(id)) phase.delivered.set(id, now - due);
  });

  const runPhase = async (seconds: number): Promise<Phase> => {
    const current = newPhase();
    phase = current;
    await openLoop(load.rate, Math.round(load.rate * seconds), (_i, dueAt) => {
      const { clientMessageId, body } = load.bodies.next();
      current.due.set(clientMessageId, dueAt);
      current.pending += 1;
      void post(agent, url, load.senderToken, body).then((status) => {
        current.pending -= 1;
        current.lastAnswerAt = performance.now();
        if (status === 201) {
          current.accepted += 1;
          current.acks.push(performance.now() - dueAt);
        } else {
          current.failed += 1;
          current.due.delete(clientMessageId);
        }
      });
    });
    await waitUntil(() => current.pending === 0, 30_000);
    await waitUntil(() => current.delivered.size >= current.accepted, load.graceMs);
    return current;
  };

  try {
    if (load.warmupSeconds > 0) await runPhase(load.warmupSeconds);
    load.onMeasureStart?.();
    const measured = await runPhase(load.seconds);
    const sent = measured.accepted + measured.failed + measured.pending;
    return {
      rate: load.rate,
      seconds: load.seconds,
      sent,
      accepted: measured.accepted,
      failed: measured.failed,
      received: measured.delivered.size,
      lost: Math.max(0, measured.accepted - measured.delivered.size),
      latency: summarize([...measured.delivered.values()]),
      ack: summarize(measured.acks),
      achievedRate: (measured.accepted * 1000) / Math.max(1, measured.lastAnswerAt - measured.startedAt),
    };
  } finally {
    socket.close();
    agent.destroy();
  }
}

export interface RedisRoundTrip {
  sent: number;
  received: number;
  lost: number;
  latency: LatencySummary;
}

/** Baseline of (c): a bare Redis pub/sub round trip at the same rate, publisher and subscriber on two connections. */
export async function runRedisRoundTrip(options: {
  url: string;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  payloadBytes: number;
  graceMs: number;
}): Promise<RedisRoundTrip> {
  const channel = `counsel-bench:${randomBytes(6).toString('hex')}`;
  const pub = new Redis(options.url, { maxRetriesPerRequest: 1 });
  const sub = new Redis(options.url, { maxRetriesPerRequest: 1 });
  const payload = randomBytes(options.payloadBytes).toString('base64url');
  let due = new Map<number, number>();
  let delivered = new Map<number, number>();
  sub.on('message', (_channel: string, raw: string) => {
    const now = performance.now();
    const { id } = JSON.parse(raw) as { id: number };
    const at = due.get(id);
    if (at !== undefined && !delivered.has(id)) delivered.set(id, now - at);
  });
  try {
    await sub.subscribe(channel);
    const phase = async (seconds: number) => {
      due = new Map();
      delivered = new Map();
      const count = Math.round(options.rate * seconds);
      await openLoop(options.rate, count, (i, dueAt) => {
        due.set(i, dueAt);
        void pub.publish(channel, JSON.stringify({ id: i, payload })).catch(() => {});
      });
      await waitUntil(() => delivered.size >= count, options.graceMs);
      return count;
    };
    if (options.warmupSeconds > 0) await phase(options.warmupSeconds);
    const sent = await phase(options.seconds);
    return { sent, received: delivered.size, lost: sent - delivered.size, latency: summarize([...delivered.values()]) };
  } finally {
    pub.disconnect();
    sub.disconnect();
  }
}

import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../../../client-sdk/src/index.ts';

/** `ws` as the SDK's WebSocket in Node 20 (which has no global WebSocket). */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** Resolves when `check` holds, polling; rejects after `timeoutMs` with `label`. */
export async function waitFor(check: () => boolean, label: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A raw socket that records every frame, for asserting what arrives (and what does not). */
export async function rawSocket(baseUrl: string, token: string): Promise<{ frames: Array<Record<string, unknown>>; socket: WebSocket }> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`);
  const frames: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token }));
  await waitFor(() => frames.some((frame) => frame.type === 'ready'), 'ready frame');
  return { frames, socket };
}

import { connect } from 'node:net';

/** What a raw HTTP exchange gave: the bytes received and how the connection ended. */
export interface RawExchange {
  status: number | null;
  body: string;
  /** How the server ended it: a clean close, a reset, or still open when we gave up. */
  ending: 'closed' | 'reset' | 'open';
  ms: number;
}

function parse(data: string): { status: number | null; body: string } {
  const status = /^HTTP\/1\.1 (\d{3})/.exec(data);
  const split = data.indexOf('\r\n\r\n');
  return { status: status ? Number(status[1]) : null, body: split >= 0 ? data.slice(split + 4) : '' };
}

/**
 * Talks HTTP over a plain socket, for what `fetch` cannot send or hides: oversized or broken
 * headers, a body that trickles in. `chunks` are written one after another, `intervalMs` apart;
 * the exchange ends when the server closes the connection, or after `giveUpMs`.
 */
export function rawHttp(url: string, chunks: string[], options: { intervalMs?: number; giveUpMs?: number } = {}): Promise<RawExchange> {
  const { port, hostname } = new URL(url);
  const start = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    let reset = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (ending: RawExchange['ending']) => {
      clearTimeout(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ ...parse(data), ending, ms: Date.now() - start });
    };
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('error', () => (reset = true));
    socket.on('close', () => finish(reset ? 'reset' : 'closed'));
    const giveUp = setTimeout(() => finish('open'), options.giveUpMs ?? 10_000);
    const queue = [...chunks];
    const writeNext = () => {
      const chunk = queue.shift();
      if (chunk === undefined || socket.destroyed) return;
      socket.write(chunk);
      timer = setTimeout(writeNext, options.intervalMs ?? 0);
    };
    socket.once('connect', writeNext);
  });
}

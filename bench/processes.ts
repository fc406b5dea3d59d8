import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, TargetKind, TargetStats } from './protocol.ts';

const TARGET = fileURLToPath(new URL('./target.ts', import.meta.url));

/** A server under test in its own process (the tsx loader is inherited through execArgv). */
export class Target {
  readonly #child: ChildProcess;
  readonly url: string;
  readonly name: string;

  private constructor(name: string, child: ChildProcess, url: string) {
    this.name = name;
    this.#child = child;
    this.url = url;
  }

  static async start(name: string, kind: TargetKind, env: Record<string, string> = {}): Promise<Target> {
    // BENCH_CPU_PROFILE_DIR=/some/dir writes a V8 CPU profile of every app instance (open it in Chrome DevTools).
    const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
    const execArgv = [...process.execArgv, ...(profileDir && kind === 'app' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const child = fork(TARGET, [kind], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no 'listening' within 30 s`)), 30_000);
      child.on('message', function onMessage(message: ChildMessage) {
        if (message.type === 'listening') {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.url);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${name} failed to start:\n${message.message}`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${String(code)} before listening`));
      });
    });
    return new Target(name, child, url);
  }

  #request<T extends ChildMessage['type']>(message: ParentMessage, answer: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no '${answer}' answer`)), 10_000);
      const onMessage = (reply: ChildMessage) => {
        if (reply.type !== answer) return;
        clearTimeout(timer);
        this.#child.off('message', onMessage);
        resolve(reply as Extract<ChildMessage, { type: T }>);
      };
      this.#child.on('message', onMessage);
      this.#child.send(message);
    });
  }

  /** Starts a new measurement window in the child. */
  reset(): void {
    this.#child.send({ type: 'reset' } satisfies ParentMessage);
  }

  async stats(): Promise<TargetStats> {
    return (await this.#request({ type: 'stats' }, 'stats')).stats;
  }

  async setStatic(body: unknown): Promise<void> {
    await this.#request({ type: 'static', body }, 'static-set');
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.send({ type: 'close' } satisfies ParentMessage);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

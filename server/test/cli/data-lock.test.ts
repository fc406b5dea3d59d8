import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, acquireDataDirLock, lockFilePath, readLiveHolder } from '../../src/db/data-lock.ts';
import { deadPid } from './helpers.ts';

const root = mkdtempSync(path.join(tmpdir(), 'counsel-lock-'));
let folders = 0;
const folder = () => path.join(root, `data-${++folders}`);

function plant(dataDir: string, fields: Record<string, unknown>) {
  const holder = { pid: 1, owner: 'server', host: hostname(), since: new Date().toISOString(), processStart: null, token: 'planted', ...fields };
  writeFileSync(lockFilePath(dataDir), `${JSON.stringify(holder)}\n`);
}

function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid as number, stop: () => new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL')) };
}

describe('PGlite data-folder lock', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('should be exclusive, also within one process, and free again after release', async () => {
    const dataDir = folder();
    const lock = await acquireDataDirLock(dataDir, { owner: 'server' });
    expect(readLiveHolder(dataDir)).toMatchObject({ pid: process.pid, owner: 'server' });
    await expect(acquireDataDirLock(dataDir, { owner: 'cli' })).rejects.toThrow(DataDirLockedError);
    await expect(acquireDataDirLock(dataDir, { owner: 'cli' })).rejects.toThrow(`the server (pid ${process.pid}`);
    lock.release();
    expect(existsSync(lockFilePath(dataDir))).toBe(false);
    expect(readLiveHolder(dataDir)).toBeNull();
    (await acquireDataDirLock(dataDir, { owner: 'cli' })).release();
  });

  it('should take over a lock whose process is dead, or whose pid now belongs to another process', async () => {
    const dead = folder();
    await acquireDataDirLock(dead, { owner: 'cli' }).then((lock) => lock.release());
    plant(dead, { pid: await deadPid() });
    expect(readLiveHolder(dead)).toBeNull();
    const lock = await acquireDataDirLock(dead, { owner: 'server' });
    expect(JSON.parse(readFileSync(lockFilePath(dead), 'utf8'))).toMatchObject({ pid: process.pid, token: lock.holder.token });
    lock.release();

    const reused = folder();
    await acquireDataDirLock(reused, { owner: 'cli' }).then((l) => l.release());
    const other = sleeper();
    try {
      plant(reused, { pid: other.pid, processStart: '1' }); // the recorded process started at another time
      if (existsSync(`/proc/${other.pid}/stat`)) expect(readLiveHolder(reused)).toBeNull();
      plant(reused, { pid: other.pid, processStart: null });
      expect(readLiveHolder(reused)).toMatchObject({ pid: other.pid });
    } finally {
      await other.stop();
    }
  });

  it('should wait for an admin command to finish, but not for a server', async () => {
    const dataDir = folder();
    await acquireDataDirLock(dataDir, { owner: 'cli' }).then((l) => l.release());
    const command = sleeper();
    plant(dataDir, { pid: command.pid, owner: 'cli' });
    let waitedFor = 0;
    const acquiring = acquireDataDirLock(dataDir, { owner: 'server', waitMs: 20_000, onWait: (holder) => (waitedFor = holder.pid) });
    setTimeout(() => void command.stop(), 300);
    const lock = await acquiring;
    expect(waitedFor).toBe(command.pid);
    lock.release();

    const server = sleeper();
    try {
      plant(dataDir, { pid: server.pid, owner: 'server' });
      const started = Date.now();
      await expect(acquireDataDirLock(dataDir, { owner: 'cli', waitMs: 20_000 })).rejects.toThrow(DataDirLockedError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.stop();
    }
  });

  it('should trust a lock from another host while its heartbeat is fresh', async () => {
    const dataDir = folder();
    await acquireDataDirLock(dataDir, { owner: 'cli' }).then((l) => l.release());
    plant(dataDir, { host: 'another-container', pid: process.pid });
    await expect(acquireDataDirLock(dataDir, { owner: 'server' })).rejects.toThrow('on host another-container');
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(lockFilePath(dataDir), longAgo, longAgo);
    (await acquireDataDirLock(dataDir, { owner: 'server' })).release();
  });
});

import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { SfuConfigError, ensureWorkerBinary, loadSfuConfig, videoAvailability } from '../src/index.ts';

describe('loadSfuConfig', () => {
  it('has defaults for an empty environment', () => {
    expect(loadSfuConfig({})).toEqual({
      numWorkers: Math.max(1, os.cpus().length),
      listenIp: '0.0.0.0',
      announcedIp: null,
      port: 40000,
      turn: null,
      joinTimeoutMs: 60_000,
    });
  });

  it('reads every variable', () => {
    const config = loadSfuConfig({
      SFU_WORKERS: '3',
      SFU_LISTEN_IP: '10.0.0.5',
      SFU_ANNOUNCED_IP: '198.51.100.20',
      SFU_PORT: '44000',
      SFU_JOIN_TIMEOUT_MS: '5000',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      TURN_USERNAME: 'user',
      TURN_CREDENTIAL: 'secret',
    });
    expect(config).toEqual({
      numWorkers: 3,
      listenIp: '10.0.0.5',
      announcedIp: '198.51.100.20',
      port: 44000,
      joinTimeoutMs: 5000,
      turn: {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username: 'user',
        credential: 'secret',
      },
    });
  });

  it.each([
    [{ SFU_WORKERS: '0' }, 'SFU_WORKERS'],
    [{ SFU_WORKERS: 'two' }, 'SFU_WORKERS'],
    [{ SFU_PORT: '70000' }, 'SFU_PORT'],
    [{ SFU_PORT: '65535', SFU_WORKERS: '2' }, 'SFU_PORT'],
    [{ SFU_LISTEN_IP: 'localhost' }, 'SFU_LISTEN_IP'],
    [{ SFU_ANNOUNCED_IP: 'sfu.example.org' }, 'SFU_ANNOUNCED_IP'],
    [{ SFU_JOIN_TIMEOUT_MS: '-1' }, 'SFU_JOIN_TIMEOUT_MS'],
    [{ TURN_URLS: 'http://turn.example.org', TURN_USERNAME: 'u', TURN_CREDENTIAL: 'c' }, 'TURN_URLS'],
    [{ TURN_URLS: 'turn:turn.example.org', TURN_CREDENTIAL: 'c' }, 'TURN_USERNAME'],
    [{ TURN_URLS: 'turn:turn.example.org', TURN_USERNAME: 'u' }, 'TURN_CREDENTIAL'],
  ])('rejects %o naming %s', (env, variable) => {
    let caught: unknown;
    try {
      loadSfuConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SfuConfigError);
    expect((caught as SfuConfigError).variable).toBe(variable);
    expect((caught as Error).message).toContain(variable);
  });
});

describe('ensureWorkerBinary', () => {
  const saved = process.env.MEDIASOUP_WORKER_BIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.MEDIASOUP_WORKER_BIN;
    else process.env.MEDIASOUP_WORKER_BIN = saved;
  });

  it('ignores a MEDIASOUP_WORKER_BIN that does not exist and agrees with videoAvailability', () => {
    process.env.MEDIASOUP_WORKER_BIN = '/nonexistent/mediasoup-worker';
    const bin = ensureWorkerBinary();
    expect(bin).not.toBe('/nonexistent/mediasoup-worker');
    const availability = videoAvailability();
    expect(availability.available).toBe(bin !== null);
    expect(availability.reason === null).toBe(bin !== null);
  });

  it('prefers an existing MEDIASOUP_WORKER_BIN', () => {
    delete process.env.MEDIASOUP_WORKER_BIN;
    const found = ensureWorkerBinary();
    if (found === null) return; // nothing to point at on this host
    process.env.MEDIASOUP_WORKER_BIN = found;
    expect(ensureWorkerBinary()).toBe(found);
  });
});

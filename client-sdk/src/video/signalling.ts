import type { RealtimeConnection, RealtimeEvent } from '../transport/realtime.ts';
import type { ClientFrame } from '../contract/realtime.ts';

/** A participant of a call with the public keys the media key is sealed to. */
export interface CallParticipant {
  userId: string;
  signPublicKey: string;
  boxPublicKey: string;
}

export interface CallInfo {
  callId: string;
  threadId: string;
  callerId: string;
  participants: CallParticipant[];
}

export interface JoinInfo extends CallInfo {
  peerId: string;
  routerRtpCapabilities: Record<string, unknown>;
  iceServers: Array<{ urls: string[]; username?: string; credential?: string }>;
  producers: Array<{ producerId: string; userId: string; kind: 'audio' | 'video' }>;
}

export interface TransportInfo {
  id: string;
  iceParameters: Record<string, unknown>;
  iceCandidates: Array<Record<string, unknown>>;
  dtlsParameters: Record<string, unknown>;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: Record<string, unknown>;
}

/** A refused signalling request; `code` is the server's stable error code. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

type CallEvent = Extract<RealtimeEvent, { type: `call.${string}` }>;
type CallRequest = Extract<ClientFrame, { type: `call.${string}` }>;
type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

const TIMEOUT_MS = 15_000;

/** Request/response call signalling over the realtime connection. */
export class CallSignalling {
  readonly #connection: RealtimeConnection;
  readonly #pending = new Map<string, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Set<(event: CallEvent) => void>();
  #counter = 0;

  constructor(connection: RealtimeConnection) {
    this.#connection = connection;
    connection.onEvent((event) => {
      if (event.type === 'call.response') {
        const pending = this.#pending.get(event.requestId);
        if (!pending) return;
        this.#pending.delete(event.requestId);
        if (event.ok) pending.resolve(event.data);
        else pending.reject(new CallError(event.code ?? 'UNKNOWN', event.message ?? 'Call request refused'));
        return;
      }
      if (event.type.startsWith('call.')) for (const listener of this.#listeners) listener(event as CallEvent);
    });
  }

  /** Every call event (ring, accepted, new-producer, key, …). */
  onEvent(listener: (event: CallEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  request<T>(frame: WithoutRequestId<CallRequest>): Promise<T> {
    this.#counter += 1;
    const requestId = `r${this.#counter}-${Math.random().toString(36).slice(2, 8)}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new CallError('TIMEOUT', `${frame.type} timed out`));
      }, TIMEOUT_MS);
      this.#pending.set(requestId, {
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#connection.send({ ...frame, requestId } as CallRequest);
    });
  }

  start(threadId: string, invitees?: string[]): Promise<CallInfo> {
    return this.request({ type: 'call.start', threadId, ...(invitees ? { invitees } : {}) });
  }
  accept(callId: string): Promise<void> {
    return this.request({ type: 'call.accept', callId });
  }
  decline(callId: string): Promise<void> {
    return this.request({ type: 'call.decline', callId });
  }
  end(callId: string): Promise<void> {
    return this.request({ type: 'call.end', callId });
  }
  join(callId: string, rtpCapabilities: Record<string, unknown>): Promise<JoinInfo> {
    return this.request({ type: 'call.join', callId, rtpCapabilities });
  }
  createTransport(callId: string, direction: 'send' | 'recv'): Promise<TransportInfo> {
    return this.request({ type: 'call.transport', callId, direction });
  }
  connect(callId: string, transportId: string, dtlsParameters: Record<string, unknown>): Promise<void> {
    return this.request({ type: 'call.connect', callId, transportId, dtlsParameters });
  }
  produce(callId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: Record<string, unknown>) {
    return this.request<{ producerId: string }>({ type: 'call.produce', callId, transportId, kind, rtpParameters });
  }
  consume(callId: string, transportId: string, producerId: string): Promise<ConsumerInfo> {
    return this.request({ type: 'call.consume', callId, transportId, producerId });
  }
  resume(callId: string, consumerId: string): Promise<void> {
    return this.request({ type: 'call.resume', callId, consumerId });
  }
  leave(callId: string): Promise<void> {
    return this.request({ type: 'call.leave', callId });
  }
  sendKey(callId: string, generation: number, envelopes: Array<{ recipientId: string; sealedKey: string; signature: string }>) {
    return this.request<void>({ type: 'call.key', callId, generation, envelopes });
  }
}

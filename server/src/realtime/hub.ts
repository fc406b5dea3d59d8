import type { FastifyError } from 'fastify';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { RawData, WebSocket } from 'ws';
import { authenticateToken } from '../accounts/service.ts';
import { hashToken } from '../accounts/secrets.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { toAppError } from '../plugins/errors.ts';
import { AppError, Errors } from '../errors.ts';
import { messageView } from '../messages/service.ts';
import { getOwnNotification } from '../notifications/service.ts';
import { bearerToken } from '../plugins/auth.ts';
import { streamCatchUp } from './catch-up.ts';
import type { DomainEvent } from './events.ts';
import { createConnection, type Connection } from './connection.ts';
import { ClientFrame, WS_CLOSE_AUTH, WS_CLOSE_LIMITED, WS_CLOSE_SLOW_CONSUMER, type ServerFrame } from './frames.ts';
import type { RealtimeLimits } from './limits.ts';
import type { PresenceStore } from './presence.ts';
import { TokenBucket } from './token-bucket.ts';
import { VideoService } from '../video/service.ts';
import { listAgencyCounsellorIds } from '../agencies/repository.ts';
import { liveAudience, messageWithFacts, threadFacts } from './routing.ts';

const clientFrame = TypeCompiler.Compile(ClientFrame);
type CallRequest = Extract<ClientFrame, { type: `call.${string}` }>;
/** A client closed for a limit may not have read the close frame; its buffer is freed this soon anyway. */
const LIMIT_CLOSE_GRACE_MS = 1_000;
/** What a client refused for too many connections is told to wait before it tries again. */
const CONNECTION_RETRY_MS = 5_000;

interface ErrorDetails {
  threadId?: string;
  retryAfterMs?: number;
}

export interface HubOptions {
  heartbeatMs: number;
  authTimeoutMs: number;
}

/**
 * Owns this instance's WebSocket connections. Every connection receives only what its user may
 * read, decided here from the bus events (which carry ids, never content).
 */
export class RealtimeHub {
  readonly #ctx: ServiceContext;
  readonly #presence: PresenceStore;
  readonly #options: HubOptions;
  readonly #byUser = new Map<string, Set<Connection>>();
  /** Frame budget per user, shared by the user's connections; kept after they close until it is full again. */
  readonly #userBuckets = new Map<string, TokenBucket>();
  readonly #all = new Set<Connection>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  #video: VideoService | null = null;

  constructor(ctx: ServiceContext, presence: PresenceStore, options: HubOptions) {
    this.#ctx = ctx;
    this.#presence = presence;
    this.#options = options;
    this.#unsubscribe = ctx.bus.subscribe((event) => {
      this.#route(event).catch((error: unknown) => ctx.log.warn({ err: error, type: event.type }, 'realtime | route failed'));
    });
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    this.#heartbeat.unref();
    // Counsellors who connected here while Redis was down are now known there: watchers on every instance recount.
    presence.onRestored?.((userIds) => {
      for (const userId of userIds) void ctx.bus.publish({ type: 'presence.changed', payload: { userId } }).catch(() => {});
    });
  }

  get presence(): PresenceStore {
    return this.#presence;
  }

  /** Call signalling; set once the video service exists (it delivers through this hub's bus). */
  set video(video: VideoService) {
    this.#video = video;
  }

  get #limits(): RealtimeLimits {
    return this.#ctx.config.realtime;
  }

  /** Takes over a new socket. The message listener is attached before any await. */
  attach(socket: WebSocket, authorization: string | undefined): void {
    const connection = this.#newConnection(socket);
    this.#all.add(connection);
    socket.on('message', (data) => this.#receive(connection, data));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => void this.#drop(connection));
    socket.on('error', () => socket.terminate());
    const token = bearerToken(authorization);
    if (token) {
      void this.#authenticate(connection, token).catch((error: unknown) => this.#sendError(connection, error));
    }
    setTimeout(() => {
      if (!connection.actor && socket.readyState === socket.OPEN) {
        this.#sendError(connection, Errors.WS_AUTH_TIMEOUT());
        socket.close(WS_CLOSE_AUTH, 'auth required');
      }
    }, this.#options.authTimeoutMs).unref();
  }

  /** Tells every client to catch up (after real-time delivery was interrupted). */
  resyncAll(): void {
    for (const connection of this.#all) if (connection.actor) this.#send(connection, { type: 'resync' });
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const connection of this.#all) connection.socket.terminate();
  }

  async #authenticate(connection: Connection, token: string): Promise<void> {
    if (connection.actor) return;
    const actor = await authenticateToken(this.#ctx, token);
    if (!actor) return this.#refuse(connection, 'auth failed');
    if (connection.closing || connection.socket.readyState !== connection.socket.OPEN) return;
    const set = this.#byUser.get(actor.id) ?? new Set<Connection>();
    const max = this.#limits.maxConnectionsPerUser;
    if (set.size >= max) {
      return this.#closeLimited(connection, WS_CLOSE_LIMITED, Errors.WS_TOO_MANY_CONNECTIONS(String(max)), { retryAfterMs: CONNECTION_RETRY_MS });
    }
    connection.actor = actor;
    connection.tokenHash = Buffer.from(hashToken(token)).toString('hex');
    set.add(connection);
    this.#byUser.set(actor.id, set);
    if (!this.#userBuckets.has(actor.id)) this.#userBuckets.set(actor.id, new TokenBucket(this.#limits.userFrameBurst, this.#limits.userFrameRate));
    this.#send(connection, { type: 'ready', userId: actor.id });
    if (actor.role === 'counsellor') {
      await this.#presence.connected(actor.id, connection.id);
      await this.#ctx.bus.publish({ type: 'presence.changed', payload: { userId: actor.id } }).catch(() => {});
    }
  }

  async #drop(connection: Connection): Promise<void> {
    this.#all.delete(connection);
    connection.syncs.stop();
    connection.pressure.dispose();
    const actor = connection.actor;
    if (!actor) return;
    const set = this.#byUser.get(actor.id);
    set?.delete(connection);
    if (set?.size === 0) this.#byUser.delete(actor.id);
    this.#video?.connectionClosed(actor.id, connection.id);
    if (actor.role === 'counsellor') {
      await this.#presence.disconnected(actor.id, connection.id);
      await this.#ctx.bus.publish({ type: 'presence.changed', payload: { userId: actor.id } }).catch(() => {});
    }
  }

  #beat(): void {
    for (const [userId, bucket] of this.#userBuckets) if (!this.#byUser.has(userId) && bucket.isFull()) this.#userBuckets.delete(userId);
    for (const connection of this.#all) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
      if (connection.actor?.role === 'counsellor') void this.#presence.refresh(connection.actor.id, connection.id);
    }
  }

  /** Every frame passes the rate limit first; see {@link FrameAdmission}. */
  #receive(connection: Connection, data: RawData): void {
    if (connection.closing) return;
    const userBucket = connection.actor ? (this.#userBuckets.get(connection.actor.id) ?? null) : null;
    const admission = connection.admission.admit(userBucket);
    switch (admission.verdict) {
      case 'accept':
        this.#onFrame(connection, data.toString()).catch((error: unknown) => this.#sendError(connection, error));
        return;
      case 'warn':
        this.#sendError(connection, Errors.WS_RATE_LIMITED(String(admission.retryAfterMs)), { retryAfterMs: admission.retryAfterMs });
        return;
      case 'drop':
        return;
      case 'close':
        return this.#closeLimited(connection, WS_CLOSE_LIMITED, Errors.WS_RATE_LIMITED(String(LIMIT_CLOSE_GRACE_MS)), {
          retryAfterMs: LIMIT_CLOSE_GRACE_MS,
        });
    }
  }

  async #onFrame(connection: Connection, raw: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw Errors.WS_FRAME_INVALID('not JSON');
    }
    if (!clientFrame.Check(parsed)) {
      // A malformed token cannot become valid: refuse it like an unknown one instead of waiting for the timeout.
      if (!connection.actor && (parsed as { type?: unknown } | null)?.type === 'auth') return this.#refuse(connection, 'auth failed');
      const first = clientFrame.Errors(parsed).First();
      throw Errors.WS_FRAME_INVALID(first ? `${first.path || '/'} ${first.message}` : 'unknown frame');
    }
    const frame = parsed;
    if (frame.type === 'auth') return this.#authenticate(connection, frame.token);
    const actor = connection.actor;
    if (!actor) throw Errors.WS_AUTH_TIMEOUT();
    if (frame.type.startsWith('call.')) return this.#call(connection, actor, frame as CallRequest);
    switch (frame.type) {
      case 'ping':
        return this.#send(connection, { type: 'pong' });
      case 'sync':
        return connection.syncs.request(frame.threadId, frame.afterSeq);
      case 'presence.watch': {
        const max = this.#limits.maxWatchedAgencies;
        if (!connection.watched.has(frame.agencyId) && connection.watched.size >= max) throw Errors.WS_WATCH_LIMIT(String(max));
        connection.watched.add(frame.agencyId);
        return this.#send(connection, {
          type: 'presence',
          agencyId: frame.agencyId,
          online: await this.#presence.countOnline(await listAgencyCounsellorIds(this.#ctx.db, frame.agencyId)),
        });
      }
    }
  }

  /** One call request → exactly one `call.response`. */
  async #call(connection: Connection, actor: Actor, frame: CallRequest): Promise<void> {
    try {
      if (!this.#video) throw Errors.VIDEO_UNAVAILABLE();
      const data = await this.#video.handle(actor, frame, connection.id);
      this.#send(connection, { type: 'call.response', requestId: frame.requestId, ok: true, data: data ?? null });
    } catch (error) {
      const known = VideoService.errorOf(error);
      if (!known) this.#ctx.log.error({ err: error, frame: frame.type }, 'realtime | call request failed');
      this.#send(connection, {
        type: 'call.response',
        requestId: frame.requestId,
        ok: false,
        code: known?.code ?? 'INTERNAL_ERROR',
        message: known?.message ?? 'Internal error',
      });
    }
  }

  /** One queued catch-up (see {@link SyncQueue}); a refusal names the thread so the client can stop waiting for it. */
  async #sync(connection: Connection, threadId: string, afterSeq: number): Promise<void> {
    const actor = connection.actor;
    if (!actor || connection.closing) return;
    try {
      await streamCatchUp(this.#ctx, actor, { threadId, afterSeq, pageSize: this.#limits.syncPageSize }, {
        writable: () => (connection.closing ? Promise.resolve(false) : connection.pressure.writable()),
        send: (frame) => this.#send(connection, frame),
      });
    } catch (error) {
      this.#sendError(connection, error, { threadId });
    }
  }

  #newConnection(socket: WebSocket): Connection {
    const connection: Connection = createConnection(socket, this.#limits, {
      onStalled: () => this.#closeLimited(connection, WS_CLOSE_SLOW_CONSUMER, Errors.WS_SLOW_CONSUMER()),
      runSync: (threadId, afterSeq) => this.#sync(connection, threadId, afterSeq),
    });
    return connection;
  }

  /**
   * Closes a connection that broke a limit, after one error frame saying which. A client that
   * does not read never gets the close frame, so the socket is cut after a short grace instead
   * of holding its send buffer for the WebSocket close time-out.
   */
  #closeLimited(connection: Connection, closeCode: number, error: AppError, details: ErrorDetails = {}): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.syncs.stop();
    connection.pressure.dispose();
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    this.#ctx.log.info({ connection: connection.id, userId: connection.actor?.id, code: error.code }, 'realtime | connection closed for a limit');
    socket.send(JSON.stringify({ type: 'error', code: error.code, message: error.message, ...details } satisfies ServerFrame));
    socket.close(closeCode, error.code);
    setTimeout(() => socket.terminate(), LIMIT_CLOSE_GRACE_MS).unref();
  }

  #local(userIds: Iterable<string>): Connection[] {
    const result: Connection[] = [];
    for (const id of userIds) for (const connection of this.#byUser.get(id) ?? []) result.push(connection);
    return result;
  }

  async #route(event: DomainEvent): Promise<void> {
    if (this.#byUser.size === 0) return;
    switch (event.type) {
      case 'message.created': {
        const { threadId, messageId, seq } = event.payload;
        const row = await messageWithFacts(this.#ctx.db, messageId);
        if (!row) return;
        const audience = await liveAudience(this.#ctx.db, { ...row, id: threadId });
        const full = this.#local(audience.full);
        if (full.length > 0) {
          const frame = JSON.stringify({ type: 'message', threadId, message: messageView(row) } satisfies ServerFrame);
          for (const c of full) this.#sendRaw(c, frame);
        }
        for (const c of this.#local(audience.activity)) this.#send(c, { type: 'thread.activity', threadId, seq });
        return;
      }
      case 'thread.created': {
        const facts = await threadFacts(this.#ctx.db, event.payload.threadId);
        if (!facts) return;
        const { full, activity } = await liveAudience(this.#ctx.db, facts);
        for (const c of this.#local([...full, ...activity])) {
          if (c.actor?.id === facts.seekerId) continue;
          this.#send(
            c,
            facts.status === 'enquiry'
              ? { type: 'enquiry.new', threadId: facts.id, agencyId: facts.agencyId }
              : { type: 'thread.assigned', threadId: facts.id, agencyId: facts.agencyId, counsellorId: facts.counsellorId ?? '' },
          );
        }
        return;
      }
      case 'thread.claimed': {
        // Every counsellor of the agency drops it from the inbox at once; the seeker learns who took it.
        const { threadId, agencyId, seekerId, counsellorId } = event.payload;
        const counsellors = await listAgencyCounsellorIds(this.#ctx.db, agencyId);
        for (const c of this.#local([...counsellors, seekerId])) {
          this.#send(c, { type: 'enquiry.claimed', threadId, agencyId, counsellorId });
        }
        return;
      }
      case 'thread.status':
      case 'thread.epoch': {
        const facts = await threadFacts(this.#ctx.db, event.payload.threadId);
        if (!facts) return;
        const { full, activity } = await liveAudience(this.#ctx.db, facts);
        const frame: ServerFrame =
          event.type === 'thread.status'
            ? { type: 'thread.status', threadId: facts.id, status: event.payload.status }
            : { type: 'thread.epoch', threadId: facts.id, epoch: event.payload.epoch };
        for (const c of this.#local([...full, ...activity])) this.#send(c, frame);
        return;
      }
      case 'notification.created': {
        const targets = this.#local([event.payload.userId]);
        if (targets.length === 0) return;
        const notification = await getOwnNotification(this.#ctx, event.payload.userId, event.payload.notificationId);
        if (notification) for (const c of targets) this.#send(c, { type: 'notification', notification });
        return;
      }
      case 'presence.changed':
        return this.#pushPresence(event.payload.userId);
      case 'membership.changed':
        return;
      case 'auth.revoked': {
        const { tokenHash, userIds } = event.payload;
        const revoked = new Set(userIds);
        for (const c of this.#all) {
          if (c.actor && ((tokenHash && c.tokenHash === tokenHash) || revoked.has(c.actor.id))) this.#refuse(c, 'auth revoked');
        }
        return;
      }
      case 'call.frame':
        for (const c of this.#local(event.payload.userIds)) this.#send(c, event.payload.frame);
        return;
    }
  }

  async #pushPresence(userId: string): Promise<void> {
    const watchers = [...this.#all].filter((c) => c.watched.size > 0);
    if (watchers.length === 0) return;
    const agencies = await this.#ctx.db.selectFrom('agencyMembers').select('agencyId').where('userId', '=', userId).execute();
    for (const { agencyId } of agencies) {
      const interested = watchers.filter((c) => c.watched.has(agencyId));
      if (interested.length === 0) continue;
      const online = await this.#presence.countOnline(await listAgencyCounsellorIds(this.#ctx.db, agencyId));
      for (const c of interested) this.#send(c, { type: 'presence', agencyId, online });
    }
  }

  /** Tells the client its token is not (or no longer) valid, then closes with the auth close code. */
  #refuse(connection: Connection, reason: string): void {
    this.#sendError(connection, Errors.AUTH_REQUIRED());
    connection.socket.close(WS_CLOSE_AUTH, reason);
  }

  #send(connection: Connection, frame: ServerFrame): void {
    this.#sendRaw(connection, JSON.stringify(frame));
  }

  /** Sends an already serialised frame (one serialisation for many receivers), then checks the back-pressure. */
  #sendRaw(connection: Connection, data: string): void {
    if (connection.closing || connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(data);
    connection.pressure.check();
  }

  #sendError(connection: Connection, error: unknown, details: ErrorDetails = {}): void {
    // The same mapping as HTTP: a frozen or unreachable database is DATABASE_UNAVAILABLE, not an internal error.
    const known = error instanceof AppError ? error : toAppError(error as FastifyError);
    if (known) {
      this.#send(connection, { type: 'error', code: known.code, message: known.message, ...details });
      return;
    }
    this.#ctx.log.error({ err: error }, 'realtime | frame failed');
    this.#send(connection, { type: 'error', code: 'INTERNAL_ERROR', message: 'Internal error', ...details });
  }
}

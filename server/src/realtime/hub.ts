import { randomUUID } from 'node:crypto';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { WebSocket } from 'ws';
import { requireThreadAccess } from '../access/thread-access.ts';
import { authenticateToken } from '../accounts/service.ts';
import { hashToken } from '../accounts/secrets.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { AppError, Errors } from '../errors.ts';
import { messageView } from '../messages/service.ts';
import { listMessages } from '../messages/repository.ts';
import { getOwnNotification } from '../notifications/service.ts';
import { recordTeamAccess } from '../threads/access-log.ts';
import { bearerToken } from '../plugins/auth.ts';
import type { DomainEvent } from './events.ts';
import { ClientFrame, WS_CLOSE_AUTH, type ServerFrame } from './frames.ts';
import type { PresenceStore } from './presence.ts';
import { VideoService } from '../video/service.ts';
import { listAgencyCounsellorIds } from '../agencies/repository.ts';
import { liveAudience, messageWithFacts, threadFacts } from './routing.ts';

const clientFrame = TypeCompiler.Compile(ClientFrame);
type CallRequest = Extract<ClientFrame, { type: `call.${string}` }>;
const SYNC_PAGE = 500;

interface Connection {
  id: string;
  socket: WebSocket;
  actor: Actor | null;
  /** Hex SHA-256 of the token it authenticated with, to close it when that token is revoked. */
  tokenHash: string | null;
  alive: boolean;
  watched: Set<string>;
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
  }

  get presence(): PresenceStore {
    return this.#presence;
  }

  /** Call signalling; set once the video service exists (it delivers through this hub's bus). */
  set video(video: VideoService) {
    this.#video = video;
  }

  /** Takes over a new socket. The message listener is attached before any await. */
  attach(socket: WebSocket, authorization: string | undefined): void {
    const connection: Connection = { id: randomUUID(), socket, actor: null, tokenHash: null, alive: true, watched: new Set() };
    this.#all.add(connection);
    socket.on('message', (data) => {
      this.#onFrame(connection, data.toString()).catch((error: unknown) => this.#sendError(connection, error));
    });
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
    connection.actor = actor;
    connection.tokenHash = Buffer.from(hashToken(token)).toString('hex');
    const set = this.#byUser.get(actor.id) ?? new Set<Connection>();
    set.add(connection);
    this.#byUser.set(actor.id, set);
    this.#send(connection, { type: 'ready', userId: actor.id });
    if (actor.role === 'counsellor') {
      await this.#presence.connected(actor.id, connection.id);
      await this.#ctx.bus.publish({ type: 'presence.changed', payload: { userId: actor.id } }).catch(() => {});
    }
  }

  async #drop(connection: Connection): Promise<void> {
    this.#all.delete(connection);
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
        return this.#sync(connection, actor, frame.threadId, frame.afterSeq);
      case 'presence.watch':
        connection.watched.add(frame.agencyId);
        return this.#send(connection, {
          type: 'presence',
          agencyId: frame.agencyId,
          online: await this.#presence.countOnline(await listAgencyCounsellorIds(this.#ctx.db, frame.agencyId)),
        });
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

  /** Catch-up: every message after `afterSeq`, in order, then `synced`. */
  async #sync(connection: Connection, actor: Actor, threadId: string, afterSeq: number): Promise<void> {
    const { thread, relation } = await requireThreadAccess(this.#ctx.db, actor, threadId, 'read');
    if (relation === 'team') {
      await this.#ctx.db.transaction().execute((trx) =>
        recordTeamAccess(trx, { threadId, agencyId: thread.agencyId, counsellorId: actor.id, action: 'read' }),
      );
    }
    let cursor = afterSeq;
    for (;;) {
      const rows = await listMessages(this.#ctx.db, threadId, { afterSeq: cursor, beforeSeq: null, limit: SYNC_PAGE });
      for (const row of rows) this.#send(connection, { type: 'message', threadId, message: messageView(row) });
      cursor = rows.at(-1)?.seq ?? cursor;
      if (rows.length < SYNC_PAGE) break;
    }
    this.#send(connection, { type: 'synced', threadId, lastSeq: cursor });
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

  /** Sends an already serialised frame (one serialisation for many receivers). */
  #sendRaw(connection: Connection, data: string): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(data);
  }

  #sendError(connection: Connection, error: unknown): void {
    if (error instanceof AppError) {
      this.#send(connection, { type: 'error', code: error.code, message: error.message });
      return;
    }
    this.#ctx.log.error({ err: error }, 'realtime | frame failed');
    this.#send(connection, { type: 'error', code: 'INTERNAL_ERROR', message: 'Internal error' });
  }
}

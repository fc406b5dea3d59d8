import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { SfuError, type Room, type SfuServer } from '../../../sfu/src/index.ts';
import { requireThreadAccess } from '../access/thread-access.ts';
import { findUsersKeys } from '../accounts/repository.ts';
import { toB64 } from '../common/bytes.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { AppError, Errors } from '../errors.ts';
import type { ClientFrame, ServerFrame } from '../realtime/frames.ts';
import { CallRegistry, type Call } from './calls.ts';
import type { CallKeyEnvelope } from './frames.ts';

type CallRequest = Extract<ClientFrame, { type: `call.${string}` }>;
type CallFrame = Extract<ServerFrame, { type: `call.${string}` }>;

/** Delivers a frame to these users' sockets, on whichever instance they are connected. */
export type Deliver = (userIds: Iterable<string>, frame: CallFrame) => void;

/**
 * Call signalling bound to threads. Every request is authorised: only the thread's seeker and
 * its counsellor (plus invitees of a group session) take part, and media operations need a
 * joined peer. The SFU never receives keys; media keys travel sealed, relayed to participants only.
 */
export class VideoService {
  readonly #ctx: ServiceContext;
  readonly #sfu: SfuServer | null;
  readonly #deliver: Deliver;
  readonly #calls = new CallRegistry();

  constructor(ctx: ServiceContext, sfu: SfuServer | null, deliver: Deliver) {
    this.#ctx = ctx;
    this.#sfu = sfu;
    this.#deliver = deliver;
  }

  get available(): boolean {
    return this.#sfu !== null;
  }

  /** Handles one call request and returns the response data. */
  async handle(actor: Actor, frame: CallRequest, connectionId: string): Promise<unknown> {
    if (frame.type === 'call.start') return this.#start(actor, frame.threadId, frame.invitees ?? []);
    const call = this.#participantCall(actor, frame.callId);
    switch (frame.type) {
      case 'call.accept':
        call.state = 'active';
        this.#deliver(call.participants, { type: 'call.accepted', callId: call.id, userId: actor.id });
        return null;
      case 'call.decline':
        this.#deliver(call.participants, { type: 'call.declined', callId: call.id, userId: actor.id });
        if (!call.group) this.#end(call, 'declined');
        return null;
      case 'call.end':
        this.#end(call, 'ended');
        return null;
      case 'call.join':
        return this.#join(actor, call, frame.rtpCapabilities, connectionId);
      case 'call.transport':
        return (await this.#peer(actor, call)).createTransport(frame.direction);
      case 'call.connect':
        await (await this.#peer(actor, call)).connectTransport(frame.transportId, frame.dtlsParameters as never);
        return null;
      case 'call.produce': {
        const peer = await this.#peer(actor, call);
        const producerId = await peer.produce(frame.transportId, frame.kind, frame.rtpParameters as never, { userId: actor.id });
        return { producerId };
      }
      case 'call.consume':
        return (await this.#peer(actor, call)).consume(frame.transportId, frame.producerId);
      case 'call.resume':
        await (await this.#peer(actor, call)).resumeConsumer(frame.consumerId);
        return null;
      case 'call.leave':
        this.leave(actor.id, call.id);
        return null;
      case 'call.key':
        return this.#relayKey(actor, call, frame.generation, frame.envelopes);
    }
  }

  /** Maps SFU errors to the response codes clients see. */
  static errorOf(error: unknown): { code: string; message: string } | null {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    if (error instanceof SfuError) return { code: `SFU_${error.code}`, message: error.message };
    return null;
  }

  /** A user leaves a call (explicitly, or because their last socket closed). */
  leave(userId: string, callId: string): void {
    const call = this.#calls.get(callId);
    if (!call || !call.joined.has(userId)) return;
    call.joined.delete(userId);
    this.#sfu?.getRoom(call.id)?.leave(userId);
    this.#deliver(call.participants, { type: 'call.peer-left', callId, userId });
    // A 1:1 call ends when either side leaves; a group session ends when it is empty.
    if (!call.group || call.joined.size === 0) this.#end(call, 'left');
  }

  /** A socket closed: leave the calls joined from it, so their media rooms are freed. */
  connectionClosed(userId: string, connectionId: string): void {
    for (const call of this.#calls.joinedFrom(userId, connectionId)) this.leave(userId, call.id);
  }

  close(): void {
    for (const call of this.#calls.all()) this.#end(call, 'server-closed');
  }

  async #start(actor: Actor, threadId: string, invitees: string[]) {
    if (!this.#sfu) throw Errors.VIDEO_UNAVAILABLE();
    const { thread, relation } = await requireThreadAccess(this.#ctx.db, actor, threadId, 'read');
    // The counsellor calls the seeker: the assigned counsellor, or a team colleague covering.
    if (relation !== 'assigned' && relation !== 'team') throw Errors.CALL_FORBIDDEN();
    for (const invitee of invitees) await this.#requireInvitable(actor, thread.agencyId, invitee);
    const call: Call = {
      id: randomUUID(),
      threadId,
      agencyId: thread.agencyId,
      callerId: actor.id,
      participants: new Set([actor.id, thread.seekerId, ...invitees]),
      invitees: new Set(invitees),
      group: invitees.length > 0,
      state: 'ringing',
      joined: new Map(),
    };
    this.#calls.add(call);
    await this.#room(call);
    const participants = await this.#participantKeys(call);
    const others = [...call.participants].filter((id) => id !== actor.id);
    this.#deliver(others, {
      type: 'call.ring',
      callId: call.id,
      threadId,
      callerId: actor.id,
      participants: [...call.participants],
      e2ee: true,
    });
    return { callId: call.id, threadId, callerId: actor.id, participants };
  }

  /** Invitees are the caller's own clients (seekers of threads assigned to them) or agency colleagues. */
  async #requireInvitable(actor: Actor, agencyId: string, userId: string): Promise<void> {
    const ownClient = await this.#ctx.db
      .selectFrom('threads')
      .select('id')
      .where('seekerId', '=', userId)
      .where('counsellorId', '=', actor.id)
      .executeTakeFirst();
    const colleague = await this.#ctx.db
      .selectFrom('agencyMembers')
      .select('userId')
      .where('agencyId', '=', agencyId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    if (!ownClient && !colleague) throw Errors.CALL_INVITEE_NOT_ALLOWED();
  }

  async #participantKeys(call: Call) {
    const rows = await findUsersKeys(this.#ctx.db, [...call.participants]);
    return rows.map((row) => ({
      userId: row.id,
      signPublicKey: toB64(row.signPublicKey as Uint8Array),
      boxPublicKey: toB64(row.boxPublicKey as Uint8Array),
    }));
  }

  /** A call the actor takes part in; anything else is "not found", so call ids cannot be probed. */
  #participantCall(actor: Actor, callId: string): Call {
    const call = this.#calls.get(callId);
    if (!call || call.state === 'ended' || !call.participants.has(actor.id)) throw Errors.CALL_NOT_FOUND();
    return call;
  }

  /** The call's media room; a new one after the old one was lost (e.g. its worker died). */
  async #room(call: Call): Promise<Room> {
    if (!this.#sfu) throw Errors.VIDEO_UNAVAILABLE();
    const existing = this.#sfu.getRoom(call.id);
    if (existing) return existing;
    const room = await this.#sfu.getOrCreateRoom(call.id, { threadId: call.threadId });
    room.on('new-producer', ({ peerId, producerId, kind }) => {
      const others = [...call.joined.keys()].filter((id) => id !== peerId);
      this.#deliver(others, { type: 'call.new-producer', callId: call.id, userId: peerId, producerId, kind });
    });
    room.on('producer-closed', ({ peerId, producerId }) => {
      const others = [...call.joined.keys()].filter((id) => id !== peerId);
      this.#deliver(others, { type: 'call.producer-closed', callId: call.id, producerId });
    });
    room.on('consumer-closed', ({ peerId, consumerId }) => {
      this.#deliver([peerId], { type: 'call.consumer-closed', callId: call.id, consumerId });
    });
    room.on('closed', ({ reason }) => {
      if (reason === 'worker-died' && call.state !== 'ended') {
        const joined = [...call.joined.keys()];
        call.joined.clear();
        this.#deliver(joined, { type: 'call.rejoin', callId: call.id, reason });
      }
    });
    return room;
  }

  async #join(actor: Actor, call: Call, rtpCapabilities: Record<string, unknown>, connectionId: string) {
    // Thread participation is re-checked at join: a counsellor removed since the ring cannot enter.
    if (!call.invitees.has(actor.id) && !(await this.#isThreadParty(actor, call))) throw Errors.CALL_NOT_FOUND();
    const room = await this.#room(call);
    room.join(actor.id, { userId: actor.id, rtpCapabilities: rtpCapabilities as never });
    call.joined.set(actor.id, connectionId);
    if (call.state === 'ringing' && actor.id !== call.callerId) call.state = 'active';
    this.#deliver(
      [...call.participants].filter((id) => id !== actor.id),
      { type: 'call.peer-joined', callId: call.id, userId: actor.id },
    );
    return {
      callId: call.id,
      threadId: call.threadId,
      callerId: call.callerId,
      peerId: actor.id,
      participants: await this.#participantKeys(call),
      routerRtpCapabilities: room.rtpCapabilities,
      iceServers: this.#sfu?.iceServers ?? [],
      producers: room.listProducers(actor.id).map((producer) => ({
        producerId: producer.producerId,
        userId: producer.peerId,
        kind: producer.kind,
      })),
    };
  }

  async #isThreadParty(actor: Actor, call: Call): Promise<boolean> {
    try {
      const { relation } = await requireThreadAccess(this.#ctx.db, actor, call.threadId, 'read');
      return relation === 'seeker' || relation === 'assigned' || relation === 'team';
    } catch {
      return false;
    }
  }

  async #peer(actor: Actor, call: Call) {
    const room = this.#sfu?.getRoom(call.id);
    const peer = room?.getPeer(actor.id);
    if (!room || !peer || !call.joined.has(actor.id)) throw Errors.CALL_NOT_JOINED();
    return peer;
  }

  /** Only the caller distributes media keys, and only to participants of the call. */
  #relayKey(actor: Actor, call: Call, generation: number, envelopes: Array<Static<typeof CallKeyEnvelope>>) {
    if (actor.id !== call.callerId) throw Errors.CALL_FORBIDDEN();
    for (const envelope of envelopes) {
      if (!call.participants.has(envelope.recipientId)) throw Errors.CALL_INVITEE_NOT_ALLOWED();
    }
    for (const envelope of envelopes) {
      this.#deliver([envelope.recipientId], {
        type: 'call.key',
        callId: call.id,
        generation,
        creatorId: actor.id,
        sealedKey: envelope.sealedKey,
        signature: envelope.signature,
      });
    }
    return null;
  }

  #end(call: Call, reason: string): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    this.#sfu?.getRoom(call.id)?.close('ended');
    this.#calls.remove(call.id);
    this.#deliver(call.participants, { type: 'call.ended', callId: call.id, reason });
  }
}

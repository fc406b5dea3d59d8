import type { ServerFrame } from './frames.ts';

type CallFrame = Extract<ServerFrame, { type: `call.${string}` }>;

/**
 * Domain events, published after the Postgres commit. They carry ids and sequence numbers,
 * never content, so the bus (and Redis) only ever sees metadata.
 */
export interface DomainEvents {
  'thread.created': { threadId: string; agencyId: string; seekerId: string; counsellorId: string | null };
  'thread.claimed': { threadId: string; agencyId: string; seekerId: string; counsellorId: string };
  'thread.status': { threadId: string; agencyId: string; status: string };
  'thread.epoch': { threadId: string; agencyId: string; epoch: number };
  'message.created': { threadId: string; agencyId: string; seq: number; messageId: string; senderId: string };
  'membership.changed': { agencyId: string; userId: string; change: 'added' | 'removed' };
  'notification.created': { notificationId: string; userId: string };
  'presence.changed': { userId: string };
  /** Evicts cached sessions: one token (by its hash) or every token of these users. */
  'auth.revoked': { tokenHash: string | null; userIds: string[] };
  /** A call signalling frame for these users' sockets (ids, states and sealed media keys only). */
  'call.frame': { userIds: string[]; frame: CallFrame };
}

export type DomainEventName = keyof DomainEvents;

/** One event on the wire between instances. */
export type DomainEvent = {
  [K in DomainEventName]: { type: K; payload: DomainEvents[K] };
}[DomainEventName];

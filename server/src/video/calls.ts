/** The state of one call on this instance. */
export interface Call {
  id: string;
  threadId: string;
  agencyId: string;
  callerId: string;
  /** Who may join: the thread's seeker and counsellor, plus invited participants of a group session. */
  participants: Set<string>;
  /** Invited participants of a group session (not parties of the thread). */
  invitees: Set<string>;
  group: boolean;
  state: 'ringing' | 'active' | 'ended';
  /** Users currently in the media room, with the connection they joined from. */
  joined: Map<string, string>;
}

/** Calls of this instance by id. */
export class CallRegistry {
  readonly #calls = new Map<string, Call>();

  add(call: Call): void {
    this.#calls.set(call.id, call);
  }

  get(id: string): Call | undefined {
    return this.#calls.get(id);
  }

  remove(id: string): void {
    this.#calls.delete(id);
  }

  /** Calls joined from this connection (left when it closes). */
  joinedFrom(userId: string, connectionId: string): Call[] {
    return [...this.#calls.values()].filter((call) => call.joined.get(userId) === connectionId);
  }

  all(): Call[] {
    return [...this.#calls.values()];
  }
}

import { clear, createStore, del, get, set } from 'idb-keyval';
import type { KeyPinStore, SavedSession } from '@counsel/client-sdk/browser';

/**
 * What this browser keeps between visits, all in IndexedDB (never in cookies or localStorage, so
 * no request carries it and a logout wipes it in one place):
 *   session  — the bearer token and the identity's private keys (`SavedSession`);
 *   pins     — the pinned identity fingerprint of every peer, so a changed key is noticed after a reload;
 *   reads    — the last read sequence number per thread, for unread markers.
 */
const sessionStore = createStore('counsel-session', 'session');
const pinStore = createStore('counsel-pins', 'pins');
const readStore = createStore('counsel-reads', 'reads');

export interface StoredSession {
  saved: SavedSession;
  role: 'seeker' | 'counsellor' | 'admin';
}

export const storage = {
  loadSession: () => get<StoredSession>('current', sessionStore),
  saveSession: (session: StoredSession) => set('current', session, sessionStore),
  /** Logout: the token, the private keys, the pins and read positions all go. */
  async wipe(): Promise<void> {
    await del('current', sessionStore);
    await clear(pinStore);
    await clear(readStore);
  },
  lastRead: async (threadId: string) => (await get<number>(threadId, readStore)) ?? 0,
  markRead: (threadId: string, seq: number) => set(threadId, seq, readStore),
};

/** Pinned peer keys, persisted: a peer's key that changes between visits is still reported. */
export const indexedDbPins: KeyPinStore = {
  get: async (userId) => (await get<string>(userId, pinStore)) ?? null,
  set: (userId, fingerprint) => set(userId, fingerprint, pinStore),
};

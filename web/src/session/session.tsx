import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, CounselClient, type LiveSession, type Me } from '@counsel/client-sdk/browser';
import { watchKeyChanges } from './key-changes.ts';
import { indexedDbPins, storage } from './storage.ts';

/** The signed-in user's client and live connection, shared by every screen. */
export interface Session {
  /** null while the saved session is being restored. */
  status: 'restoring' | 'signed-out' | 'signed-in';
  client: CounselClient | null;
  live: LiveSession | null;
  me: Me | null;
  /** Call after login, registration, activation or an anonymous start: persists and connects. */
  signIn(client: CounselClient): Promise<void>;
  /** Logs out on the server (best effort) and wipes this browser's keys, pins and session. */
  signOut(): Promise<void>;
  /** After an account deletion: the server side is gone already. */
  forget(): Promise<void>;
  refreshMe(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export const baseUrl = () => location.origin;

/** Options every CounselClient of the app is created with. */
export function clientOptions() {
  return { baseUrl: baseUrl(), pins: indexedDbPins };
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [status, setStatus] = useState<Session['status']>('restoring');
  const [client, setClient] = useState<CounselClient | null>(null);
  const [live, setLive] = useState<LiveSession | null>(null);
  const [me, setMe] = useState<Me | null>(null);

  const attach = useCallback((next: CounselClient | null) => {
    // Before anything loads keys: the SDK reports a changed peer key only once.
    if (next) watchKeyChanges(next);
    setLive((previous) => {
      previous?.close();
      return next ? next.connectRealtime() : null;
    });
    setClient(next);
    setMe(next ? next.me : null);
    setStatus(next ? 'signed-in' : 'signed-out');
  }, []);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const stored = await storage.loadSession().catch(() => undefined);
      if (!stored) return !cancelled && attach(null);
      try {
        const restored = await CounselClient.resume({ ...clientOptions(), session: stored.saved });
        if (!cancelled) attach(restored);
      } catch (error) {
        // A revoked or expired token (or keys that no longer match) ends the stored session.
        if (error instanceof ApiError && error.status === 401) await storage.wipe();
        if (!cancelled) attach(null);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attach]);

  const signIn = useCallback(
    async (next: CounselClient) => {
      await storage.saveSession({ saved: next.saveSession(), role: next.me.role });
      attach(next);
    },
    [attach],
  );

  const forget = useCallback(async () => {
    await storage.wipe();
    attach(null);
  }, [attach]);

  const signOut = useCallback(async () => {
    await client?.logout().catch(() => {});
    await forget();
  }, [client, forget]);

  const refreshMe = useCallback(async () => {
    if (client) setMe(await client.refreshMe());
  }, [client]);

  const value = useMemo<Session>(
    () => ({ status, client, live, me, signIn, signOut, forget, refreshMe }),
    [status, client, live, me, signIn, signOut, forget, refreshMe],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in client; screens behind `RequireRole` may rely on it. */
export function useClient(): CounselClient {
  const { client } = useSession();
  if (!client) throw new Error('useClient without a signed-in user');
  return client;
}

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { DecryptedMessage } from '@counsel/client-sdk/browser';
import { useClient, useSession } from '../session/session.tsx';

/**
 * Adds messages in sequence order, once each. The same message can arrive three ways (history,
 * the live connection, and the answer to our own send), so the per-thread sequence number is
 * the key; a readable copy replaces an unreadable one (e.g. after a key was accepted).
 */
export function mergeMessages(current: DecryptedMessage[], incoming: DecryptedMessage[]): DecryptedMessage[] {
  if (incoming.length === 0) return current;
  const bySeq = new Map(current.map((message) => [message.seq, message]));
  for (const message of incoming) {
    const known = bySeq.get(message.seq);
    if (!known || (known.text === null && message.text !== null)) bySeq.set(message.seq, message);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

interface State {
  messages: DecryptedMessage[];
  loaded: boolean;
  error: unknown;
}

/**
 * The whole history of a thread, then its live messages. The live listener is attached before
 * the history is read, so nothing that arrives in between is lost; `track` then asks the server
 * for anything after the last message we have. `version` reloads everything (e.g. after a key
 * was accepted, so messages that failed verification are tried again).
 *
 * A colleague reading a case in the team view gets no message frames, only `thread.activity`
 * (the server keeps team reads explicit and logged), so the page fetches what is new then.
 */
export function useMessages(threadId: string, version: number) {
  const client = useClient();
  const { live } = useSession();
  const [state, setState] = useState<State>({ messages: [], loaded: false, error: null });
  const newest = useRef(0);
  const add = useCallback((incoming: DecryptedMessage[]) => {
    for (const message of incoming) newest.current = Math.max(newest.current, message.seq);
    setState((previous) => ({ ...previous, messages: mergeMessages(previous.messages, incoming) }));
  }, []);

  useEffect(() => {
    let cancelled = false;
    let catchingUp = false;
    newest.current = 0;
    setState({ messages: [], loaded: false, error: null });
    const off = live?.onMessage((message) => {
      if (!cancelled && message.threadId === threadId) add([message]);
    });
    const catchUp = async () => {
      if (catchingUp) return;
      catchingUp = true;
      try {
        const fresh: DecryptedMessage[] = [];
        for await (const message of client.messages(threadId, { afterSeq: newest.current })) fresh.push(message);
        if (!cancelled) add(fresh);
      } catch {
        // The next activity (or a reload) tries again; the log keeps what it has.
      } finally {
        catchingUp = false;
      }
    };
    const offEvents = live?.onEvent((event) => {
      if (event.type === 'thread.activity' && event.threadId === threadId && event.seq > newest.current) void catchUp();
    });
    void (async () => {
      try {
        let page: DecryptedMessage[] = [];
        let lastSeq = 0;
        for await (const message of client.messages(threadId)) {
          if (cancelled) return;
          page.push(message);
          lastSeq = Math.max(lastSeq, message.seq);
          // Long histories appear page by page instead of after the last one.
          if (page.length >= 100) {
            add(page);
            page = [];
          }
        }
        if (cancelled) return;
        add(page);
        setState((previous) => ({ ...previous, loaded: true }));
        live?.track(threadId, lastSeq);
      } catch (error) {
        if (!cancelled) setState((previous) => ({ ...previous, loaded: true, error }));
      }
    })();
    return () => {
      cancelled = true;
      off?.();
      offEvents?.();
    };
  }, [client, live, threadId, version, add]);

  return { ...state, add };
}

import { useEffect, useState } from 'preact/hooks';
import type { CounselClient } from '@counsel/client-sdk/browser';

interface Watch {
  changed: Set<string>;
  listeners: Set<() => void>;
}

const watches = new WeakMap<CounselClient, Watch>();

/**
 * The SDK reports a changed peer key once, when it first sees it (any screen may trigger that),
 * so the report is kept here per client and every thread page can read it later. Idempotent:
 * call it before anything that may load keys.
 */
export function watchKeyChanges(client: CounselClient): Watch {
  let watch = watches.get(client);
  if (!watch) {
    const created: Watch = { changed: new Set(), listeners: new Set() };
    client.onIdentityKeyChanged(({ userId }) => {
      created.changed.add(userId);
      for (const listener of created.listeners) listener();
    });
    watches.set(client, created);
    watch = created;
  }
  return watch;
}

/** Users whose new key is not accepted yet, and the way to accept one after verifying it. */
export function useKeyChanges(client: CounselClient) {
  const watch = watchKeyChanges(client);
  const [changed, setChanged] = useState<string[]>(() => [...watch.changed]);
  useEffect(() => {
    const update = () => setChanged([...watch.changed]);
    watch.listeners.add(update);
    update();
    return () => void watch.listeners.delete(update);
  }, [watch]);
  const accept = async (userId: string) => {
    await client.acceptIdentityKey(userId);
    watch.changed.delete(userId);
    for (const listener of watch.listeners) listener();
  };
  return { changed, accept };
}

import type { CounselClient } from '@counsel/client-sdk/browser';
import { useLoad } from '../ui/hooks.ts';

/**
 * Display names of the counsellors of some agencies (userId → name), for "whose case" and
 * "who opened it". It is the list the SDK seals a claimed case to; reading it is not a thread
 * access, so nothing is logged.
 */
export function useColleagueNames(client: CounselClient, agencyIds: string[]) {
  const key = [...new Set(agencyIds)].sort().join(',');
  const { data } = useLoad(async () => {
    const names = new Map<string, string>();
    const lists = await Promise.all(
      key
        .split(',')
        .filter(Boolean)
        // A list we may not read only costs the names, never the screen.
        .map((agencyId) => client.agencyCounsellorKeys(agencyId).catch(() => [])),
    );
    for (const counsellor of lists.flat()) {
      if (counsellor.displayName) names.set(counsellor.userId, counsellor.displayName);
    }
    return names;
  }, [client, key]);
  return data ?? new Map<string, string>();
}

import { PublicDirectory } from '@counsel/client-sdk/browser';
import { baseUrl, useClient } from '../session/session.tsx';
import { useLoad } from '../ui/hooks.ts';

/**
 * What the admin console shows, loaded once and reloaded after each change. Topics come from
 * the public directory (the same list a seeker picks from); agencies and staff from the admin API.
 */
export function useAdminData() {
  const client = useClient();
  const topics = useLoad(() => new PublicDirectory(baseUrl()).listTopics(), []);
  const agencies = useLoad(() => client.adminListAgencies(), [client]);
  const staff = useLoad(() => client.adminListStaff(), [client]);
  return { topics, agencies, staff };
}

export type AdminData = ReturnType<typeof useAdminData>;

/** userId → display name of every staff account, for member lists and the access log. */
export function staffNames(data: AdminData): Map<string, string> {
  return new Map((data.staff.data ?? []).map((member) => [member.id, member.displayName ?? member.username ?? member.id]));
}

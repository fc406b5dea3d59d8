import type { AgencyDetailView } from './schemas.ts';

/** An agency as its admins see it (with the link code that routes seekers to its inbox). */
export function detail(row: {
  id: string;
  name: string;
  isTeam: boolean;
  virtualForTopicId: string | null;
  linkCode: string;
}): AgencyDetailView {
  return { id: row.id, name: row.name, isTeam: row.isTeam, isVirtual: row.virtualForTopicId !== null, linkCode: row.linkCode };
}

import { describe, expect, it } from 'vitest';
import { relationTo, type ThreadAccessRow } from '../../src/access/thread-access.ts';
import type { Actor } from '../../src/context.ts';

const base: ThreadAccessRow = {
  id: 't',
  seekerId: 'seeker',
  agencyId: 'agency',
  topicId: 'topic',
  counsellorId: null,
  status: 'enquiry',
  currentEpoch: 0,
  rekeyRequired: false,
  lastSeq: 1,
  createdAt: new Date(),
  updatedAt: new Date(),
  isTeam: false,
  agencyName: 'Agency',
  topicName: 'Topic',
  seekerSignPublicKey: null,
  seekerBoxPublicKey: null,
  memberId: null,
  isAgencyAdmin: false,
};

const seeker: Actor = { id: 'seeker', role: 'seeker', isAnonymous: false };
const otherSeeker: Actor = { id: 'other', role: 'seeker', isAnonymous: false };
const assigned: Actor = { id: 'assigned', role: 'counsellor', isAnonymous: false };
const colleague: Actor = { id: 'colleague', role: 'counsellor', isAnonymous: false };
const outsider: Actor = { id: 'outsider', role: 'counsellor', isAnonymous: false };
const admin: Actor = { id: 'admin', role: 'admin', isAnonymous: false };

function row(actor: Actor, overrides: Partial<ThreadAccessRow>): ThreadAccessRow {
  const member = actor === assigned || actor === colleague ? actor.id : null;
  return { ...base, memberId: member, ...overrides };
}

describe('relationTo', () => {
  // [case, actor, thread facts, expected relation]
  const table: Array<[string, Actor, Partial<ThreadAccessRow>, string | null]> = [
    ['seeker, own enquiry', seeker, {}, 'seeker'],
    ['other seeker', otherSeeker, {}, null],
    ['agency counsellor, enquiry', colleague, {}, 'agency'],
    ['outsider, enquiry', outsider, {}, null],
    ['admin, enquiry', admin, {}, null],
    ['assigned, active', assigned, { status: 'active', counsellorId: 'assigned' }, 'assigned'],
    ['colleague, active, non-team', colleague, { status: 'active', counsellorId: 'assigned' }, null],
    ['colleague, active, team', colleague, { status: 'active', counsellorId: 'assigned', isTeam: true }, 'team'],
    ['colleague, closed, team', colleague, { status: 'closed', counsellorId: 'assigned', isTeam: true }, 'team'],
    ['outsider, active, team', outsider, { status: 'active', counsellorId: 'assigned', isTeam: true }, null],
    ['admin, active, team', admin, { status: 'active', counsellorId: 'assigned', isTeam: true }, null],
    ['seeker, archived', seeker, { status: 'archived', counsellorId: 'assigned' }, 'seeker'],
    ['removed assigned counsellor', { ...assigned }, { status: 'active', counsellorId: 'assigned', memberId: null }, null],
  ];

  it.each(table)('should decide %s', (_name, actor, facts, expected) => {
    expect(relationTo(actor, row(actor, facts))).toBe(expected);
  });
});

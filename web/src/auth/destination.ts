import type { Me } from '@counsel/client-sdk/browser';

/** Where each role starts after logging in or activating. */
const HOME: Record<Me['role'], string> = {
  counsellor: '/inbox',
  admin: '/admin',
  seeker: '/threads',
};

export function homeOf(role: Me['role']): string {
  return HOME[role];
}

/**
 * `?next=` comes from the address bar, so only a path of this app is followed: an absolute
 * or protocol-relative URL would let a crafted link send a freshly signed-in user elsewhere.
 */
export function destinationAfterSignIn(role: Me['role'], next: string | undefined): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')) return next;
  return homeOf(role);
}

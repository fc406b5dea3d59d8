import type { ComponentChildren } from 'preact';
/** Placeholder: being built. */
export function TeamAccessGate(props: { threadId: string; children: ComponentChildren }) {
  return <>{props.children}</>;
}

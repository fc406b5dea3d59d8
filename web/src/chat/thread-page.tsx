/** Placeholder: being built. */
export function ThreadPage(_props: { threadId: string }) {
  return <section><h1>ThreadPage</h1></section>;
}

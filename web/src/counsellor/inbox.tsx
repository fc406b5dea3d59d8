/** Placeholder: being built. */
export function Inbox() {
  return <section><h1>Inbox</h1></section>;
}

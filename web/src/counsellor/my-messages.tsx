/** Placeholder: being built. */
export function MyMessages() {
  return <section><h1>MyMessages</h1></section>;
}

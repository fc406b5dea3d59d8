/** Placeholder: being built. */
export function Landing() {
  return <section><h1>Landing</h1></section>;
}

/** Placeholder: being built. */
export function TeamView() {
  return <section><h1>TeamView</h1></section>;
}

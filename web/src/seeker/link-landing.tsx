/** Placeholder: being built. */
export function LinkLanding(_props: { code?: string }) {
  return <section><h1>LinkLanding</h1></section>;
}

/** Placeholder: being built. */
export function Activate(_props: { code?: string }) {
  return <section><h1>Activate</h1></section>;
}

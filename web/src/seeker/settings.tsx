/** Placeholder: being built. */
export function SeekerSettings() {
  return <section><h1>SeekerSettings</h1></section>;
}

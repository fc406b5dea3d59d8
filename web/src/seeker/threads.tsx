/** Placeholder: being built. */
export function SeekerThreads() {
  return <section><h1>SeekerThreads</h1></section>;
}

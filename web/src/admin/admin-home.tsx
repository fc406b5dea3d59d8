/** Placeholder: being built. */
export function AdminHome() {
  return <section><h1>AdminHome</h1></section>;
}

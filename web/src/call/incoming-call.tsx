/** Placeholder: being built. */
export function IncomingCall() {
  return <section><h1>IncomingCall</h1></section>;
}

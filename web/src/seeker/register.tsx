/** Placeholder: being built. */
export function Register() {
  return <section><h1>Register</h1></section>;
}

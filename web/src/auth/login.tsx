/** Placeholder: being built. */
export function Login() {
  return <section><h1>Login</h1></section>;
}

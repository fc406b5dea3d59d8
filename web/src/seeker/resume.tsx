/** Placeholder: being built. */
export function ResumeWithCode() {
  return <section><h1>ResumeWithCode</h1></section>;
}

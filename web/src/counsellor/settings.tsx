/** Placeholder: being built. */
export function CounsellorSettings() {
  return <section><h1>CounsellorSettings</h1></section>;
}

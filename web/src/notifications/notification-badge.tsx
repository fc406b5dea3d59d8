/** Placeholder: being built. */
export function NotificationBadge() {
  return <section><h1>NotificationBadge</h1></section>;
}

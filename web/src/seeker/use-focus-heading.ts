import { useEffect, useRef } from 'preact/hooks';

/**
 * Moves focus to a heading when the step it introduces appears (results, the message form), so
 * screen-reader and keyboard users continue where the page changed instead of at its top.
 * `step` is falsy while there is nothing to announce. The heading needs tabIndex={-1}.
 */
export function useFocusHeading<T extends HTMLElement>(step: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (step) ref.current?.focus();
  }, [step]);
  return ref;
}

import type { PostcodeRange } from '@counsel/client-sdk/browser';

/**
 * Postcode ranges as an admin types them: "10000-10999, 12000-12099", one postcode alone
 * ("10115") meaning just that one. Commas, semicolons, spaces or new lines separate entries.
 */
export function parsePostcodeRanges(text: string): { ranges: PostcodeRange[]; invalid: string[] } {
  const ranges: PostcodeRange[] = [];
  const invalid: string[] = [];
  const entries = text
    .split(/[,;\n]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const match = /^(\d{5})(?:\s*[-–]\s*(\d{5}))?$/.exec(entry);
    const from = match?.[1];
    const to = match?.[2] ?? from;
    if (!from || !to || from > to) invalid.push(entry);
    else ranges.push({ from, to });
  }
  return { ranges, invalid };
}

export function formatRange(range: PostcodeRange): string {
  return range.from === range.to ? range.from : `${range.from}–${range.to}`;
}

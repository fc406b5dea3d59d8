import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const locales = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/locales');

type Catalogue = { [key: string]: string | Catalogue };

function flatten(catalogue: Catalogue, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat.set(name, value);
    else for (const [inner, text] of flatten(value, name)) flat.set(inner, text);
  }
  return flat;
}

function load(language: string, namespace: string): Map<string, string> | null {
  try {
    return flatten(JSON.parse(readFileSync(path.join(locales, language, `${namespace}.json`), 'utf8')) as Catalogue);
  } catch {
    return null;
  }
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();
const namespaces = readdirSync(path.join(locales, 'en')).map((file) => file.replace(/\.json$/, ''));

describe('message catalogues', () => {
  it.each(namespaces)('German has every English key of %s, with the same placeholders', (namespace) => {
    const english = load('en', namespace)!;
    const german = load('de', namespace);
    expect(german, `de/${namespace}.json`).not.toBeNull();
    expect([...german!.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) expect(placeholders(german!.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it.each(['ru', 'uk'])('%s catalogues match English where they exist (English fills the rest)', (language) => {
    for (const namespace of namespaces) {
      const english = load('en', namespace)!;
      const translated = load(language, namespace);
      if (!translated) continue;
      expect([...translated.keys()].filter((key) => !english.has(key)), `${language}/${namespace}: keys English lacks`).toEqual([]);
      for (const [key, text] of translated) expect(placeholders(text), `${language}/${namespace}: ${key}`).toEqual(placeholders(english.get(key)!));
    }
  });
});

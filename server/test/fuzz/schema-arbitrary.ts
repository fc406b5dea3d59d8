import fc from 'fast-check';

/** The parts of JSON Schema that the OpenAPI document and the TypeBox frames use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  patternProperties?: Record<string, JsonSchema>;
  $ref?: string;
}

/**
 * A number written into JSON or a query string as it is, for what `JSON.stringify` cannot write:
 * `1e400` (Infinity once parsed), integers beyond 2^53, `-0`.
 */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON text of a generated value, with raw numbers written as they are. */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof RawNumber)) return item;
    raws.push(item.text);
    return `\u0001raw${raws.length - 1}\u0001`;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_match, index: string) => raws[Number(index)] as string);
}

/** A generated value as one query-string or path value. */
export function toParam(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? toJson(value) : String(value);
}

/** A generated value percent-encoded for a URL (a lone surrogate, which has no UTF-8, becomes U+FFFD as a browser would send it). */
export function encodeParam(value: unknown): string {
  return encodeURIComponent(toParam(value).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** Values the world of the test holds, so that generated requests also reach real rows. */
export interface Vocabulary {
  /** Ids of topics, agencies, users, threads, notifications, sessions. */
  uuids: string[];
  /** Strings per property or parameter name (e.g. `code` → real link codes). */
  byName: Record<string, string[]>;
}

const HUGE_NUMBERS = ['1e400', '-1e400', '9223372036854775808', '18446744073709551616', '1e20', '-0', '0.5', '1e-400', '9007199254740993'];
const NASTY_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\uffff',
  '💥'.repeat(300),
  'x'.repeat(70_000),
  '../../etc/passwd',
  "'; drop table users; --",
  '%00',
  '${jndi:ldap://x}',
  '__proto__',
  'Infinity',
  'NaN',
  '2030-12-31T23:59:60Z',
];

/** A value of the wrong kind for whatever the schema wants: the mutation applied at any node. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, [], {}, [null], { __proto__: null }),
  fc.constantFrom(...HUGE_NUMBERS).map((text) => new RawNumber(text)),
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

function charClassString(pattern: string, schema: JsonSchema): fc.Arbitrary<string> | null {
  // `^[class]*$`, `^[class]+$` and `^[class]{n}$`: the shape of every pattern in the contract but dates.
  const match = /^\^\[([^\]]+)\](\*|\+|\{(\d+)\})\$$/.exec(pattern);
  if (!match) return null;
  const [, body, quantifier, exact] = match as unknown as [string, string, string, string | undefined];
  const minLength = Math.max(schema.minLength ?? 0, quantifier === '+' ? 1 : 0, exact ? Number(exact) : 0);
  const maxLength = exact ? Number(exact) : Math.min(schema.maxLength ?? 60, Math.max(minLength, 60));
  if (body.startsWith('^')) {
    // A negated class (`[^\u0000]`): any text without those characters.
    const excluded = new RegExp(`[${body.slice(1)}]`, 'u');
    return fc.string({ unit: 'grapheme', minLength, maxLength }).filter((text) => !excluded.test(text));
  }
  const alphabet = new RegExp(`^[${body}]$`, 'u');
  const chars = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((char) => alphabet.test(char));
  return fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
}

function stringOf(schema: JsonSchema, vocabulary: Vocabulary, name: string | undefined): fc.Arbitrary<string> {
  const known = name ? (vocabulary.byName[name] ?? []) : [];
  const withKnown = (arbitrary: fc.Arbitrary<string>) =>
    known.length > 0 ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary }) : arbitrary;
  switch (schema.format) {
    case 'uuid':
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...vocabulary.uuids) }, { weight: 1, arbitrary: fc.uuid() });
    case 'email':
      return fc.emailAddress().filter((email) => email.length <= (schema.maxLength ?? 254));
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
  }
  if (schema.pattern) {
    const classes = charClassString(schema.pattern, schema);
    if (classes) return withKnown(classes);
    return withKnown(fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= (schema.maxLength ?? Infinity)));
  }
  return withKnown(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 60) }));
}

function integerOf(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
  const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
  const small = fc.integer({ min: Math.max(min, -1000), max: Math.min(max, Math.max(min, -1000) + 2000) });
  const wide = fc.maxSafeInteger().map((value) => Math.min(max, Math.max(min, value)));
  return fc.oneof({ weight: 3, arbitrary: small }, { weight: 1, arbitrary: wide }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
}

export interface ArbitraryOptions {
  vocabulary: Vocabulary;
  /** Resolves a `$ref` of the document. */
  resolve: (ref: string) => JsonSchema;
  /** Whether nodes may be replaced by wrong values, required properties dropped, unknown ones added. */
  mutate: boolean;
}

/** Values for `schema`: valid ones, or with `mutate` valid ones spoiled at random nodes. */
export function arbitraryFor(schema: JsonSchema, options: ArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  const valid = validFor(schema, options, name);
  return options.mutate ? fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: wrongValue }) : valid;
}

function validFor(schema: JsonSchema, options: ArbitraryOptions, name: string | undefined): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryFor(options.resolve(schema.$ref), options, name);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((branch) => arbitraryFor(branch, options, name)));
  if (schema.allOf) {
    const merged = schema.allOf.reduce<JsonSchema>(
      (all, part) => ({
        type: 'object',
        properties: { ...all.properties, ...part.properties },
        required: [...(all.required ?? []), ...(part.required ?? [])],
      }),
      {},
    );
    return validFor(merged, options, name);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema, options.vocabulary, name);
    case 'integer':
      return integerOf(schema);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayOf(schema, options, name);
    case 'object':
      return objectOf(schema, options);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function arrayOf(schema: JsonSchema, options: ArbitraryOptions, name: string | undefined): fc.Arbitrary<unknown[]> {
  const item = arbitraryFor(schema.items ?? {}, options, name);
  const minLength = schema.minItems ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, 4));
  return schema.uniqueItems
    ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => toJson(value) })
    : fc.array(item, { minLength, maxLength });
}

function objectOf(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const record = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, arbitraryFor(property, options, key)])),
    { requiredKeys: required.filter((key) => key in properties) },
  ) as fc.Arbitrary<Record<string, unknown>>;
  if (Object.keys(properties).length === 0 && schema.patternProperties) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  if (!options.mutate) return record;
  // Drop a required property, or add one the schema does not know.
  const dropped = fc.oneof({ weight: 4, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray(required, { maxLength: 1 }) });
  const extra = fc.option(fc.tuple(fc.string({ maxLength: 12 }), wrongValue), { nil: undefined, freq: 6 });
  return fc.tuple(record, dropped, extra).map(([value, dropped, extra]) => {
    const copy: Record<string, unknown> = { ...value };
    for (const key of dropped) delete copy[key];
    if (extra) copy[extra[0]] = extra[1];
    return copy;
  });
}

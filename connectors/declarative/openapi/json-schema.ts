/** The parts of a (dereferenced) JSON Schema the importer reads; OpenAPI 3.0 and 3.1 spell nullability differently. */
export interface JsonSchema {
  type?: string | string[];
  /** OpenAPI 3.0's spelling of "or null". */
  nullable?: boolean;
  format?: string;
  description?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  maxItems?: number;
}

/** A schema's one non-null type and whether null is allowed too, across 3.0 and 3.1 spellings. */
export function typeOf(schema: JsonSchema): { type: string | undefined; nullable: boolean; schema: JsonSchema } {
  // 3.1: `anyOf: [{ type: X }, { type: 'null' }]` is "X or null".
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const others = variants.filter((variant) => variant.type !== 'null');
    if (others.length === 1) {
      const inner = typeOf({ ...others[0], description: schema.description ?? others[0].description });
      return { ...inner, nullable: inner.nullable || others.length < variants.length };
    }
    return { type: undefined, nullable: false, schema };
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const others = types.filter((type) => type !== 'null');
  const type = others.length === 1 ? others[0] : schema.properties ? 'object' : schema.items ? 'array' : undefined;
  return { type, nullable: schema.nullable === true || others.length < types.length, schema };
}

/** `subscribers` → `subscriber`, `categories` → `category`, `campaigns` → `campaign`. */
export function singular(word: string): string {
  const irregular: Record<string, string> = { people: 'person', children: 'child', men: 'man', women: 'woman' };
  if (irregular[word.toLowerCase()]) return word[0] + irregular[word.toLowerCase()].slice(1);
  if (/ies$/.test(word)) return word.replace(/ies$/, 'y');
  if (/(ss|sh|ch|x)es$/.test(word)) return word.replace(/es$/, '');
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** `consent_state` or `consent-state` → `ConsentState`. */
export function pascal(word: string): string {
  return word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** `last_name` → `lastName`; a name that is already camelCase stays. */
export function camel(word: string): string {
  const joined = pascal(word);
  return joined ? joined[0].toLowerCase() + joined.slice(1) : word;
}

/** `subscriberId` → `subscriber id`. */
export function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

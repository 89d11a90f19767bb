import { DESCRIBE_PLACEHOLDER, type RestConnectorDeclarationInput } from '../declaration.schema';
import { camel, pascal, singular, typeOf, type JsonSchema } from './json-schema';
import { OpenApiImportError } from './import-error';

type Graph = RestConnectorDeclarationInput['graph'];
type FieldInput = Graph['types'][string]['fields'][string];

/** What mapping a record schema to graph types produced, and what the integrator must look at. */
export interface MappedGraph {
  types: Graph['types'];
  enums: NonNullable<Graph['enums']>;
  warnings: string[];
}

/**
 * Maps a record's JSON Schema to declared object types and enums: objects become types named
 * after their parent and field (`SubscriberConsent`), `enum`s become enums, `format: date-time`
 * and `date` become DateTime and LocalDate, and nullability (OpenAPI 3.1 `type: [X, "null"]`,
 * 3.0 `nullable: true`, or a property that is not required) is kept. A missing description is
 * written as the placeholder the loader refuses, and reported.
 */
export function mapRecordSchema(recordType: string, schema: JsonSchema, keyField: string): MappedGraph {
  const mapped: MappedGraph = { types: {}, enums: {}, warnings: [] };
  const describe = (at: string, text: string | undefined): string => {
    if (text?.trim()) return text.trim();
    mapped.warnings.push(`${at}: the document gives no description; write one`);
    return DESCRIBE_PLACEHOLDER;
  };

  const mapEnum = (name: string, values: unknown[], description: string): string => {
    mapped.enums[name] = {
      description,
      values: Object.fromEntries(
        values.map((raw) => {
          const value =
            String(raw)
              .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
              .replace(/[^A-Za-z0-9]+/g, '_')
              .replace(/^_+|_+$/g, '')
              .toUpperCase() || 'EMPTY';
          const safe = /^[A-Z]/.test(value) ? value : `V_${value}`;
          return [
            safe,
            {
              description: describe(`graph.enums.${name}.values.${safe}.description`, undefined),
              ...(safe === raw ? {} : { from: raw as string | number }),
            },
          ];
        }),
      ),
    };
    return name;
  };

  // The schemas being mapped, outermost first: a $ref cycle (a person's manager is a person)
  // has no place in a declaration, whose types are trees.
  const path: Array<{ schema: JsonSchema; typeName: string }> = [];
  const mapObject = (typeName: string, object: JsonSchema, atKey: boolean): void => {
    const cycle = path.findIndex((step) => step.schema === object);
    if (cycle >= 0)
      throw new OpenApiImportError(
        `The record schema refers to itself (${[...path.slice(cycle).map((step) => step.typeName), typeName].join(' -> ')}); declarations have no cycles: remove the field, or map it by hand`,
      );
    path.push({ schema: object, typeName });
    try {
      mapObjectFields(typeName, object, atKey);
    } finally {
      path.pop();
    }
  };
  const mapObjectFields = (typeName: string, object: JsonSchema, atKey: boolean): void => {
    const at = `graph.types.${typeName}`;
    const fields: Record<string, FieldInput> = {};
    mapped.types[typeName] = { description: describe(`${at}.description`, object.description), fields };
    const required = new Set(object.required ?? []);
    for (const [property, propertySchema] of Object.entries(object.properties ?? {})) {
      const name = camel(property);
      const fieldAt = `${at}.fields.${name}`;
      const { type, nullable, schema: inner } = typeOf(propertySchema);
      const element = type === 'array' && inner.items ? typeOf(inner.items) : null;
      const one = element ?? { type, nullable: false, schema: inner };
      let graphType: string | undefined;
      if (one.type === 'object' && one.schema.properties) {
        graphType = `${typeName}${pascal(element ? singular(property) : property)}`;
        mapObject(graphType, one.schema, false);
      } else if (one.schema.enum && one.schema.enum.every((v) => typeof v === 'string' || typeof v === 'number'))
        graphType = mapEnum(
          `${typeName}${pascal(property)}`,
          one.schema.enum,
          describe(`graph.enums.${typeName}${pascal(property)}.description`, propertySchema.description),
        );
      else if (atKey && property === keyField) graphType = 'ID';
      else if (one.type === 'string')
        graphType =
          one.schema.format === 'date-time' ? 'DateTime' : one.schema.format === 'date' ? 'LocalDate' : 'String';
      else if (one.type === 'integer') graphType = 'Int';
      else if (one.type === 'number') graphType = 'Float';
      else if (one.type === 'boolean') graphType = 'Boolean';
      if (graphType === undefined) {
        mapped.warnings.push(
          `${fieldAt}: left out: the document's schema for "${property}" has no type the graph can show`,
        );
        continue;
      }
      fields[name] = {
        type: element ? [graphType] : graphType,
        description: describe(`${fieldAt}.description`, propertySchema.description),
        ...(name === property ? {} : { from: property }),
        ...(nullable || !required.has(property) ? { nullable: true } : {}),
      };
    }
  };

  mapObject(recordType, schema, true);
  return mapped;
}

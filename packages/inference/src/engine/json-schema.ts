import { z } from 'zod';

const typeName = z.enum(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/** A JSON Schema node of the subset that node-llama-cpp turns into a grammar. */
export type JsonSchemaNode = {
  [keyword: string]: unknown;
  type?: z.infer<typeof typeName> | z.infer<typeof typeName>[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  required?: string[];
  items?: JsonSchemaNode;
  prefixItems?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  enum?: unknown[];
  $defs?: Record<string, JsonSchemaNode>;
  $ref?: string;
};

/**
 * Checks the shape of a JSON schema before it becomes a grammar. node-llama-cpp accepts any
 * object and quietly reads what it does not understand as "any value" (`properties: "no"` gives
 * an object of nulls), so a malformed schema is refused here, with the path to what is wrong.
 * Keywords it ignores (`description`, `title`, `pattern`, …) are let through.
 */
export const jsonSchemaNodeSchema: z.ZodType<JsonSchemaNode> = z.lazy(() =>
  z.looseObject({
    type: z.union([typeName, z.array(typeName).min(1)]).optional(),
    properties: z.record(z.string(), jsonSchemaNodeSchema).optional(),
    additionalProperties: z.union([z.boolean(), jsonSchemaNodeSchema]).optional(),
    required: z.array(z.string()).optional(),
    items: jsonSchemaNodeSchema.optional(),
    prefixItems: z.array(jsonSchemaNodeSchema).optional(),
    anyOf: z.array(jsonSchemaNodeSchema).min(1).optional(),
    oneOf: z.array(jsonSchemaNodeSchema).min(1).optional(),
    enum: z.array(z.unknown()).min(1).optional(),
    $defs: z.record(z.string(), jsonSchemaNodeSchema).optional(),
    $ref: z
      .string()
      .startsWith('#/$defs/', 'Only references to "#/$defs/…" are supported.')
      .optional(),
  }),
);

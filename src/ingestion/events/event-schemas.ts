/** The committed event schemas (schema/events/*.schema.json), one validator compiled once per process. */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import { OPENLINEAGE_RUN_EVENT_SCHEMA } from './openlineage.schema';
import { PEDIGREE_EVENT_SCHEMA } from './pedigree.schema';

export const EVENT_SCHEMAS: Record<string, object> = {
  'openlineage-run-event': OPENLINEAGE_RUN_EVENT_SCHEMA,
  'pedigree-event': PEDIGREE_EVENT_SCHEMA,
};
export const EVENT_SCHEMA_DIR = join(__dirname, '..', '..', '..', '..', 'schema', 'events');

export interface CompiledSchemas {
  openlineage: ValidateFunction;
  pedigree: ValidateFunction;
}

let compiled: CompiledSchemas | undefined;

export function compiledSchemas(): CompiledSchemas {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: false, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ['date-time', 'uuid']);
    compiled = { openlineage: ajv.compile(OPENLINEAGE_RUN_EVENT_SCHEMA), pedigree: ajv.compile(PEDIGREE_EVENT_SCHEMA) };
  }
  return compiled;
}

export { describeErrors } from '../../platform/validation/describe-errors';

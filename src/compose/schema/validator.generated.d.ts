// The schema validator is generated into dist/ at build time
// (scripts/gen-compose-validator.mjs, ajv's standalone output for
// compose-schema.ts); this declares the one export berth uses.
import type { ErrorObject } from 'ajv';

export declare const validate: {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
};

#!/usr/bin/env node
// Generates src/compose/schema/validator.generated.ts: the Compose schema
// (src/compose/schema/compose-schema.ts) compiled by ajv into standalone
// code, so that `berth config` does not load and run ajv's compiler at
// start-up (~150 ms). Run after changing the schema: `npm run gen:schema`.
// test/unit/compose/schema.test.ts fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { generateValidatorSource } from '../dist/src/compose/schema/generate.js';

const out = new URL('../src/compose/schema/validator.generated.ts', import.meta.url);
writeFileSync(out, generateValidatorSource());
console.log(`wrote ${out.pathname}`);

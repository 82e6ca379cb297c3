// validate.js - checks Podcasting 2.0 JSON chapters files (tx2json --format
// chapters) against podcast-chapters.schema.json, written for these tests
// from the JSON Chapters Format 1.2, with Ajv (installed in ../sarif by
// npm ci), and that startTime ascends, which a schema cannot say.
// Usage: node validate.js FILE...  Exit 1 on any invalid file.
'use strict';
const fs = require('fs');
const path = require('path');
const sarif = path.join(__dirname, '..', 'sarif', 'node_modules');
const Ajv = require(path.join(sarif, 'ajv'));
const addFormats = require(path.join(sarif, 'ajv-formats'));

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'podcast-chapters.schema.json'), 'utf8'));
const ajv = new Ajv({allErrors: true, strict: true});
addFormats(ajv);
const validate = ajv.compile(schema);

let bad = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const errs = validate(doc) ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
  const ch = Array.isArray(doc.chapters) ? doc.chapters : [];
  for (let i = 1; i < ch.length; i++)
    if (!(ch[i].startTime >= ch[i - 1].startTime))
      errs.push(`/chapters/${i}/startTime ${ch[i].startTime} is before the chapter before it`);
  if (errs.length) {
    bad++;
    console.error(`${file}: invalid JSON chapters`);
    for (const e of errs) console.error(`  ${e}`);
  }
}
console.log(`${process.argv.length - 2 - bad} valid, ${bad} invalid`);
process.exit(bad ? 1 : 0);

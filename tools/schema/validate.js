// validate.js - checks tx2json outputs against schema/tx2json.schema.json
// (JSON Schema 2020-12) with Ajv (installed in ../sarif by npm ci), and
// what a schema cannot say: every span has start <= end, indices count
// from 0 in order, and every reference index points into the document.
// Usage: node validate.js FILE...  A file is one JSON document (indented
// or not) or a JSONL stream (one document or failure record per line).
// Prints "N valid, N invalid" (counting documents); exit 1 on any invalid.
'use strict';
const fs = require('fs');
const path = require('path');
const modules = path.join(__dirname, '..', 'sarif', 'node_modules');
const Ajv2020 = require(path.join(modules, 'ajv', 'dist', '2020'));

const schemaPath = path.join(__dirname, '..', '..', 'schema', 'tx2json.schema.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv2020({allErrors: true, strict: true});
const validate = ajv.compile(schema);

// The checks beyond the schema, for a document that passed it.
function semantics(doc) {
  const errs = [];
  const nref = doc.references.length;
  const nent = doc.entries.length;
  const span = (where, s) => {
    if (s && s[0] > s[1]) errs.push(`${where}/span [${s[0]}, ${s[1]}) ends before it starts`);
  };
  const ref = (where, r) => {
    if (r !== null && r >= nref) errs.push(`${where} ${r}: no such reference (${nref})`);
  };
  for (const k of ['intro', 'outro']) if (doc.episode[k]) span(`/episode/${k}`, doc.episode[k].span);
  doc.entries.forEach((e, i) => {
    const w = `/entries/${i}`;
    if (e.index !== i) errs.push(`${w}/index is ${e.index}`);
    span(w, e.span);
    e.organizations.forEach((o, k) => span(`${w}/organizations/${k}`, o.span));
    e.mentions.forEach((m, k) => {
      span(`${w}/mentions/${k}`, m.span);
      ref(`${w}/mentions/${k}/reference`, m.reference);
    });
    e.references.forEach((r, k) => ref(`${w}/references/${k}`, r));
  });
  doc.references.forEach((r, i) => {
    const w = `/references/${i}`;
    if (r.index !== i) errs.push(`${w}/index is ${r.index}`);
    span(w, r.span);
    if (r.entry !== null && r.entry >= nent) errs.push(`${w}/entry ${r.entry}: no such entry`);
  });
  doc.diagnostics.forEach((d, i) => span(`/diagnostics/${i}`, d.span));
  return errs;
}

// The documents of a file: JSON values one after another (one document,
// a JSONL stream, or indented documents written back to back), split where
// the outermost braces close (outside strings).
function documents(text) {
  const docs = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inStr) {
      if (ch === '\\') i++;
      else if (ch === '"') inStr = false;
    } else if (ch === '"') {
      inStr = true;
    } else if (ch === '{' || ch === '[') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' || ch === ']') {
      if (--depth === 0) {
        const t = text.slice(start, i + 1);
        try {
          docs.push(JSON.parse(t));
        } catch (e) {
          docs.push({__unparsed: t.slice(0, 80)});
        }
      }
    } else if (depth === 0 && !/\s/.test(ch)) {
      docs.push({__unparsed: text.slice(i, i + 80)});
      break;
    }
  }
  if (depth !== 0) docs.push({__unparsed: 'truncated: ' + text.slice(start, start + 80)});
  return docs;
}

let good = 0;
let bad = 0;
for (const file of process.argv.slice(2)) {
  documents(fs.readFileSync(file, 'utf8')).forEach((doc, n) => {
    let errs;
    if (doc && doc.__unparsed !== undefined) errs = [`not JSON: ${doc.__unparsed}`];
    else if (!validate(doc)) errs = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
    else errs = doc.schema_version !== undefined ? semantics(doc) : [];
    if (errs.length) {
      bad++;
      console.error(`${file}: document ${n + 1}: invalid`);
      for (const e of errs.slice(0, 10)) console.error(`  ${e}`);
    } else {
      good++;
    }
  });
}
console.log(`${good} valid, ${bad} invalid`);
process.exit(bad ? 1 : 0);

// validate.js - checks SARIF files against the SARIF 2.1.0 JSON schema
// (the schema file ships in @microsoft/jest-sarif) with Ajv, a real
// JSON-schema validator.  Usage: node validate.js FILE...  Exit 1 on any
// invalid file, with Ajv's errors on stderr.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const schemaPath = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
                             'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
// The schema names itself with draft-04's "id"; Ajv validates with the
// draft-07 meta-schema, which calls it "$id".  Nothing else differs.
delete schema.$schema;
if (schema.id) {
  schema.$id = schema.id;
  delete schema.id;
}
// unicodeRegExp off: the schema's language-tag pattern is not valid with the u flag.
const ajv = new Ajv({allErrors: true, strict: false, unicodeRegExp: false});
addFormats(ajv);
const validate = ajv.compile(schema);

let bad = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (validate(doc)) {
    console.log(`${file}: valid SARIF 2.1.0`);
  } else {
    bad++;
    console.error(`${file}: invalid SARIF 2.1.0`);
    for (const e of validate.errors) console.error(`  ${e.instancePath || '/'} ${e.message}`);
  }
}
process.exit(bad ? 1 : 0);

// validate-entity FILE...: checks Backstage catalog files as the catalog backend does when it
// reads them: @backstage/catalog-model's default policies (the envelope and metadata schemas,
// name, label and annotation formats, no unknown root fields), then the kind's own JSON schema
// (Component, API, System, ...), then that spec.owner and spec.system are entity references.
// Exit 1 with the file and the fault on the first invalid entity.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const model = require('@backstage/catalog-model');
const { parseAllDocuments } = require('yaml');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const kinds = [
  model.apiEntityV1alpha1Validator,
  model.componentEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
  model.groupEntityV1alpha1Validator,
  model.locationEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
  model.userEntityV1alpha1Validator,
];

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: validate-entity FILE...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const [i, doc] of docs.entries()) {
    const where = docs.length > 1 ? `${file} (document ${i + 1})` : file;
    try {
      if (doc.errors.length > 0) throw doc.errors[0];
      const entity = await policy.enforce(doc.toJS());
      let known = false;
      for (const v of kinds) known = (await v.check(entity)) || known;
      if (!known) throw new Error(`no validator for kind ${entity.kind} of ${entity.apiVersion}`);
      const ns = entity.metadata.namespace;
      for (const [field, defaultKind] of [['owner', 'Group'], ['system', 'System']]) {
        const ref = entity.spec?.[field];
        if (ref !== undefined) model.parseEntityRef(ref, { defaultKind, defaultNamespace: ns });
      }
      console.log(`${where}: ${entity.kind} ${model.stringifyEntityRef(entity)} is valid`);
    } catch (err) {
      console.error(`${where}: ${err.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);

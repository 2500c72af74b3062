// Validates Kubernetes objects (a JSON array in the file given) against the schemas of npm's kubernetes-models,
// @kubernetes-models/keda and @kubernetes-models/prometheus-operator. Prints one line per object; exits 1 when
// any object fails or has a kind no schema package knows. Run by imagepipelines.deploy.KubernetesManifestsTest.
'use strict';
const fs = require('fs');

const MODULES = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

const objects = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let failed = 0;
for (const obj of objects) {
  const what = `${obj.apiVersion} ${obj.kind} ${obj.metadata && obj.metadata.name}`;
  const module = MODULES[obj.apiVersion];
  const Model = module && require(module)[obj.kind];
  if (!Model) {
    console.log(`FAIL ${what}: no schema known for this apiVersion/kind`);
    failed++;
    continue;
  }
  try {
    new Model(obj).validate();
    console.log(`OK ${what}`);
  } catch (e) {
    console.log(`FAIL ${what}: ${e.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);

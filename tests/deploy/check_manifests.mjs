// Checks a rendered Kustomize overlay (YAML on stdin) offline:
//   kubectl kustomize deploy/k8s/overlays/embedded | node check_manifests.mjs embedded
// 1. every object against its kind's OpenAPI schema (kubernetes-models);
// 2. the policy every zwfw manifest keeps (README, "Deploying"): probes,
//    requests and limits, the restricted security settings, no `latest`,
//    a grace period longer than the drain, Services and NetworkPolicies
//    that select pods, ConfigMaps that exist; and per layout: embedded
//    (and podman, its one-host form) keeps one replica per SQLite service,
//    replaced, on a claim; scaled
//    puts every service on the database, with autoscaling and budgets.
// Prints one line per problem, naming the object and the field; exits 1
// when there is any, 0 with a summary otherwise.
import { parseAllDocuments } from 'yaml';

// podman (overlays/podman) is the embedded layout on one host.
const layout = process.argv[2] === 'podman' ? 'embedded' : process.argv[2];
const problems = [];
const problem = (obj, what) =>
  problems.push(`${obj.kind}/${obj.metadata?.name}: ${what}`);

// apiVersion "apps/v1" -> module "kubernetes-models/apps/v1/Deployment";
// the core group "v1" -> "kubernetes-models/v1/Service".
async function validate(obj) {
  const module = `kubernetes-models/${obj.apiVersion}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(module))[obj.kind];
  } catch (e) {
    problem(obj, `no schema for ${obj.apiVersion} ${obj.kind}`);
    return;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problem(obj, `schema: ${e.message}`);
  }
}

const serverNames = ['intake', 'survey', 'scoring', 'bulletin', 'gateway'];
const name = (obj) => obj.metadata?.labels?.['app.kubernetes.io/name'];

function podSpecOf(obj) {
  return ['Deployment', 'StatefulSet'].includes(obj.kind)
    ? obj.spec?.template?.spec : undefined;
}

function checkWorkload(obj, configMaps) {
  const pod = podSpecOf(obj);
  const podSecurity = pod.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true) problem(obj, 'runAsNonRoot is not true');
  if (podSecurity.seccompProfile?.type !== 'RuntimeDefault') {
    problem(obj, 'seccompProfile is not RuntimeDefault');
  }
  if (pod.automountServiceAccountToken !== false) {
    problem(obj, 'mounts a service account token it never uses');
  }
  for (const c of pod.containers) {
    const where = `container ${c.name}`;
    if (!c.readinessProbe) problem(obj, `${where} has no readinessProbe`);
    if (!c.livenessProbe) problem(obj, `${where} has no livenessProbe`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (!c.resources?.[kind]?.[resource]) {
          problem(obj, `${where} has no ${kind}.${resource}`);
        }
      }
    }
    const s = c.securityContext ?? {};
    if (s.readOnlyRootFilesystem !== true) {
      problem(obj, `${where}: readOnlyRootFilesystem is not true`);
    }
    if (s.allowPrivilegeEscalation !== false) {
      problem(obj, `${where}: allowPrivilegeEscalation is not false`);
    }
    if (!(s.capabilities?.drop ?? []).includes('ALL')) {
      problem(obj, `${where}: capabilities are not all dropped`);
    }
    const tag = /:([^/:@]+)$/.exec(c.image ?? '');
    if (!tag || tag[1] === 'latest') {
      problem(obj, `${where}: image ${c.image} has no fixed tag`);
    }
    const drain = (c.args ?? []).map((a) => /^--drain_timeout=(\d+)s$/.exec(a))
      .find((m) => m);
    if (serverNames.includes(name(obj))) {
      if (!drain) problem(obj, `${where} sets no --drain_timeout`);
      else if (!(pod.terminationGracePeriodSeconds > Number(drain[1]))) {
        problem(obj, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} does not outlast --drain_timeout=${drain[1]}s`);
      }
    }
  }
  for (const v of pod.volumes ?? []) {
    if (v.configMap && !configMaps.has(v.configMap.name)) {
      problem(obj, `volume ${v.name}: ConfigMap ${v.configMap.name} is not in the layout`);
    }
  }
}

function selects(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function checkLayout(objects, workloads) {
  const deployment = (n) => workloads.find((w) => w.kind === 'Deployment' && w.metadata.name === n);
  for (const n of serverNames) {
    if (!deployment(n)) problems.push(`Deployment/${n}: missing`);
  }
  const args = (n) => deployment(n)?.spec.template.spec.containers[0].args ?? [];
  // --database itself, or the flag file of the Secret zwfw-database.
  const onDatabase = (a) => a.startsWith('--database=') ||
    a === '--flagfile=/etc/zwfw/database/database.flags';
  if (layout === 'embedded') {
    for (const n of serverNames.slice(0, 4)) {
      const d = deployment(n);
      if (!d) continue;
      if (d.spec.replicas !== 1) problem(d, 'a SQLite service must run exactly 1 replica');
      if (d.spec.strategy?.type !== 'Recreate') problem(d, 'a SQLite service must be replaced (strategy Recreate), never rolled');
      const data = d.spec.template.spec.volumes.find((v) => v.name === 'data');
      if (!data?.persistentVolumeClaim) problem(d, 'its data is not on a PersistentVolumeClaim');
      if (args(n).some(onDatabase)) problem(d, 'embedded services keep SQLite, not a database');
    }
  } else if (layout === 'scaled') {
    for (const n of serverNames.slice(0, 4)) {
      if (!args(n).some(onDatabase)) problems.push(`Deployment/${n}: not on the database`);
    }
    for (const n of serverNames) {
      const d = deployment(n);
      if (d && !(d.spec.replicas >= 2)) problem(d, 'fewer than 2 replicas');
      if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector.matchLabels, { 'app.kubernetes.io/name': n }))) {
        problems.push(`PodDisruptionBudget for ${n}: missing`);
      }
    }
    for (const n of ['intake', 'gateway']) {
      if (!objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === n)) {
        problems.push(`HorizontalPodAutoscaler for ${n}: missing`);
      }
    }
  } else {
    problems.push(`layout "${layout}" is not embedded or scaled`);
  }
  if (!objects.some((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector ?? {}).length === 0 && (o.spec.ingress ?? []).length === 0)) {
    problems.push('NetworkPolicy: no default deny of ingress');
  }
}

const text = await new Promise((resolve) => {
  let data = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
});
const objects = [];
for (const doc of parseAllDocuments(text)) {
  if (doc.errors.length) {
    problems.push(`YAML: ${doc.errors[0].message}`);
    continue;
  }
  const obj = doc.toJS();
  if (obj) objects.push(obj);
}
const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
const workloads = objects.filter(podSpecOf);
for (const obj of objects) await validate(obj);
for (const w of workloads) checkWorkload(w, configMaps);
const podLabels = workloads.map((w) => w.spec.template.metadata.labels);
for (const obj of objects) {
  if (obj.kind === 'Service' && !podLabels.some((l) => selects(obj.spec.selector, l))) {
    problem(obj, 'selects no pod');
  }
  if (obj.kind === 'NetworkPolicy' && Object.keys(obj.spec.podSelector ?? {}).length > 0 &&
      !podLabels.some((l) => selects(obj.spec.podSelector.matchLabels, l))) {
    problem(obj, 'selects no pod');
  }
}
checkLayout(objects, workloads);

if (problems.length) {
  for (const p of problems) console.log(p);
  process.exit(1);
}
console.log(`${layout}: ${objects.length} objects valid against the Kubernetes schema and the policy`);

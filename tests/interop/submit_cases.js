// An independent client: submits cases to zwfw's CaseIntake over a
// SubmitCases stream with @grpc/grpc-js and reads GetCaseStats back.
// Usage: node submit_cases.js PROTO_DIR ADDRESS TOKEN
// Prints one JSON object: the outcomes and the stats it read.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [protoDir, address, token] = process.argv.slice(2);
const definition = protoLoader.loadSync('zwfw/v1/intake.proto', {
  // google/protobuf/*.proto (the annotations import descriptor.proto).
  includeDirs: [protoDir, '/usr/include'],
  keepCase: true,
  enums: String,
  longs: String,
  defaults: true,
});
const zwfw = grpc.loadPackageDefinition(definition).zwfw.v1;
const client = new zwfw.CaseIntake(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.add('authorization', 'Bearer ' + token);

function seconds(iso) {
  return {seconds: String(Date.parse(iso) / 1000), nanos: 0};
}

function record(no, site, extra) {
  return Object.assign({
    department_code: '区公安局',  // a name the directory resolves
    case_no: 'node-' + no,
    category: 'ITEM_CATEGORY_APPROVAL',
    site: site,
    status: 'CASE_STATUS_COMPLETED',
    accepted_at: seconds('2020-07-10T09:00:00+08:00'),
    completed_at: seconds('2020-07-10T09:30:00+08:00'),
    completed_in_center: site === 'HANDLING_SITE_CENTER',
    online: true,
  }, extra);
}

const outcomes = [];
const call = client.SubmitCases(metadata);
call.on('data', (ack) => {
  for (const r of ack.results) outcomes.push([ack.batch_id, r.outcome, r.field]);
});
call.on('error', (e) => {
  console.error('SubmitCases failed:', e.code, e.details);
  process.exit(1);
});
call.on('end', () => {
  client.GetCaseStats({period: '2020-07'}, metadata, (err, stats) => {
    if (err) {
      console.error('GetCaseStats failed:', err.code, err.details);
      process.exit(1);
    }
    const police = stats.departments.find((d) => d.department_code === 'qj-gaj');
    console.log(JSON.stringify({
      outcomes,
      police: police.approval,
      center_handled: stats.center_handled,
      center_same_day: stats.center_same_day,
    }));
    client.close();
  });
});
call.write({batch_id: '1', cases: [
  record(1, 'HANDLING_SITE_CENTER'),
  record(2, 'HANDLING_SITE_GRASSROOTS'),
]});
call.write({batch_id: '2', cases: [
  record(1, 'HANDLING_SITE_CENTER'),  // the same again: DUPLICATE
  record(3, 'HANDLING_SITE_CENTER', {accepted_at: null}),  // REJECTED
]});
call.end();

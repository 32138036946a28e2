// Interoperability of cosd's CI audio moderation API with the official Tencent Cloud COS Node.js SDK
// (cos-nodejs-sdk-v5): cos.request submits and queries exactly as the documentation's example does
// (Method POST, Url https?://<bucket>.ci.<region>.myqcloud.com/audio/auditing, body from
// COS.util.json2xml), with cosd as the SDK's HTTP proxy. Audio is spoken by Festival at test time.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const COS = require(process.env.COS_NODE_SDK || 'cos-nodejs-sdk-v5');

const APPID = '1250000000';
const SECRET_ID = 'AKIDciInteropSecretId000000000000001';
const SECRET_KEY = 'ciInteropSecretKey00000000000000001';
const Bucket = `nodeci-${APPID}`;
const Region = 'ap-guangzhou';
// cosd speaks plain HTTP; the SDK reaches it as its proxy, so the documented Url uses http://.
const host = `${Bucket}.ci.${Region}.myqcloud.com`;

let server;
let dataDir;
let cos;

function call(method, params) {
  return new Promise((resolve, reject) => {
    cos[method](params, (err, data) => (err ? reject(Object.assign(new Error(JSON.stringify(err)), { cos: err })) : resolve(data)));
  });
}

before(async () => {
  const bin = process.env.COSD_PATH;
  assert.ok(bin, 'COSD_PATH must point to the cosd binary');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosd-ci-interop-'));
  server = spawn(bin, ['--listen', '127.0.0.1:0', '--data', dataDir, '--workers', '1',
    '--account', `${APPID}:${SECRET_ID}:${SECRET_KEY}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('cosd did not start')), 20000);
    server.stdout.on('data', (d) => {
      buf += d.toString();
      const m = buf.match(/cosd listening on http:\/\/[^:]+:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    server.on('exit', (code) => reject(new Error(`cosd exited with ${code}`)));
  });
  cos = new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:', Proxy: `http://127.0.0.1:${port}` });
});

after(() => {
  if (server) server.kill('SIGTERM');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const responseOf = (data) => data.Response || (data.Body && data.Body.Response) || {};

test('submit with cos.request, poll until Success, read the verdict', async () => {
  const wav = path.join(dataDir, 'ads.wav');
  execFileSync('sh', ['-c', `echo "Use this promo code for free shipping on every order." | text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -o '${wav}'`]);
  await call('putBucket', { Bucket, Region });
  await call('putObject', { Bucket, Region, Key: 'node/ads.wav', Body: fs.readFileSync(wav) });

  const body = COS.util.json2xml({
    Request: {
      Input: { Object: 'node/ads.wav', DataId: 'node-data-1', UserInfo: { TokenId: 'node-user' } },
      Conf: { CallbackVersion: 'Detail', CallbackType: 1 },
    },
  });
  const submitted = await call('request', {
    Method: 'POST', Key: 'audio/auditing', Url: `http://${host}/audio/auditing`, Body: body,
    Headers: { 'content-type': 'application/xml' },
  });
  assert.strictEqual(submitted.statusCode, 200);
  assert.ok(submitted.headers['x-ci-request-id']);
  const jd = responseOf(submitted).JobsDetail;
  assert.match(jd.JobId, /^sa[0-9a-f]{32}$/);
  assert.strictEqual(jd.State, 'Submitted');
  assert.strictEqual(jd.DataId, 'node-data-1');

  let done;
  for (let i = 0; i < 300 && !done; i++) {
    const q = await call('request', {
      Method: 'GET', Key: `audio/auditing/${jd.JobId}`, Url: `http://${host}/audio/auditing/${jd.JobId}`,
    });
    const d = responseOf(q).JobsDetail;
    if (d.State === 'Success' || d.State === 'Failed') done = d;
    else await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(done, 'the job finished');
  assert.strictEqual(done.State, 'Success');
  assert.strictEqual(done.JobId, jd.JobId);
  assert.strictEqual(done.DataId, 'node-data-1');
  assert.strictEqual(done.Label, 'Ads');
  assert.strictEqual(String(done.Result), '1');
  assert.strictEqual(done.UserInfo.TokenId, 'node-user');
  assert.match(done.AudioText, /promo code/);
  assert.ok(Number(done.AdsInfo.Score) >= 91);
  const sections = [].concat(done.Section);
  assert.ok(sections.length >= 1);
  assert.match(sections[0].Url, /q-signature=/);
});

test('a query of an unknown JobId is a CI error the SDK reports', async () => {
  await assert.rejects(
    call('request', { Method: 'GET', Key: 'audio/auditing/sa00000000000000000000000000000000',
      Url: `http://${host}/audio/auditing/sa00000000000000000000000000000000` }),
    (e) => e.cos && e.cos.statusCode === 400 && /InvalidArgument/.test(JSON.stringify(e.cos)),
  );
});

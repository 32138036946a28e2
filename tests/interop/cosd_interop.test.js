// Interoperability of cosd with the official Tencent Cloud COS Node.js SDK (cos-nodejs-sdk-v5), which
// reaches cosd as its HTTP proxy with its default virtual-host addressing.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const COS = require('cos-nodejs-sdk-v5');

const APPID = '1250000000';
const SECRET_ID = 'AKIDinteropTestSecretId00000000000001';
const SECRET_KEY = 'interopTestSecretKey0000000000001';
const Bucket = `interop-${APPID}`;
const Region = 'ap-guangzhou';

let server;
let port;
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
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosd-interop-'));
  server = spawn(bin, ['--listen', '127.0.0.1:0', '--data', dataDir, '--account', `${APPID}:${SECRET_ID}:${SECRET_KEY}`],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  port = await new Promise((resolve, reject) => {
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

const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');
const body = Buffer.from('hello from the official Node.js SDK\n'.repeat(100));

test('putBucket, then getService lists it', async () => {
  const r = await call('putBucket', { Bucket, Region });
  assert.strictEqual(r.statusCode, 200);
  const s = await call('getService', {});
  const names = [].concat(s.Buckets || []).map((b) => b.Name);
  assert.ok(names.includes(Bucket), `getService lists ${names}`);
});

test('putObject, getObject and headObject', async () => {
  const put = await call('putObject', { Bucket, Region, Key: 'docs/readme.txt', Body: body, ContentType: 'text/plain',
    Headers: { 'x-cos-meta-origin': 'node' } });
  assert.strictEqual(put.statusCode, 200);
  assert.strictEqual(put.ETag, `"${md5(body)}"`);
  const get = await call('getObject', { Bucket, Region, Key: 'docs/readme.txt' });
  assert.strictEqual(get.statusCode, 200);
  assert.ok(Buffer.compare(get.Body, body) === 0);
  const head = await call('headObject', { Bucket, Region, Key: 'docs/readme.txt' });
  assert.strictEqual(head.statusCode, 200);
  assert.strictEqual(head.headers['content-length'], String(body.length));
  assert.strictEqual(head.headers['x-cos-meta-origin'], 'node');
  assert.strictEqual(head.headers['content-type'], 'text/plain');
  assert.ok(/^\d+$/.test(head.headers['x-cos-hash-crc64ecma']));
});

test('getBucket with Prefix and Delimiter', async () => {
  for (const k of ['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg', 'photos/top.jpg']) {
    await call('putObject', { Bucket, Region, Key: k, Body: Buffer.from(k) });
  }
  const r = await call('getBucket', { Bucket, Region, Prefix: 'photos/', Delimiter: '/' });
  const prefixes = [].concat(r.CommonPrefixes || []).map((p) => p.Prefix).sort();
  assert.deepStrictEqual(prefixes, ['photos/2024/', 'photos/2025/']);
  const keys = [].concat(r.Contents || []).map((c) => c.Key);
  assert.deepStrictEqual(keys, ['photos/top.jpg']);
  assert.strictEqual(r.IsTruncated, 'false');
});

test('putObjectCopy', async () => {
  const r = await call('putObjectCopy', { Bucket, Region, Key: 'docs/copy.txt',
    CopySource: `${Bucket}.cos.${Region}.myqcloud.com/docs/readme.txt` });
  assert.strictEqual(r.statusCode, 200);
  assert.strictEqual(r.ETag, `"${md5(body)}"`);
  const get = await call('getObject', { Bucket, Region, Key: 'docs/copy.txt' });
  assert.ok(Buffer.compare(get.Body, body) === 0);
});

test('deleteMultipleObject', async () => {
  const r = await call('deleteMultipleObject', { Bucket, Region,
    Objects: [{ Key: 'photos/2024/a.jpg' }, { Key: 'photos/2024/b.jpg' }, { Key: 'no/such/key' }] });
  assert.strictEqual(r.statusCode, 200);
  const deleted = [].concat(r.Deleted || []).map((d) => d.Key).sort();
  assert.deepStrictEqual(deleted, ['no/such/key', 'photos/2024/a.jpg', 'photos/2024/b.jpg']);
  const left = await call('getBucket', { Bucket, Region, Prefix: 'photos/2024/' });
  assert.strictEqual([].concat(left.Contents || []).length, 0);
});

test('presigned getObjectUrl fetched with plain http', async () => {
  const url = cos.getObjectUrl({ Bucket, Region, Key: 'docs/readme.txt', Sign: true, Expires: 600 });
  assert.ok(url.includes('q-signature='), url);
  const u = new URL(url);
  // Plain HTTP to cosd, absolute-form target as any HTTP client behind a proxy sends it.
  const got = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: url.replace(/^https:/, 'http:'),
      headers: { Host: u.host } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.strictEqual(got.status, 200);
  assert.ok(Buffer.compare(got.body, body) === 0);
  // A tampered signature is refused.
  const bad = url.replace(/q-signature=([0-9a-f])/, (m, c) => `q-signature=${c === '0' ? '1' : '0'}`);
  const status = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: bad.replace(/^https:/, 'http:'), headers: { Host: u.host } },
      (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
  });
  assert.strictEqual(status, 403);
});

test('errors surface as COS errors in the SDK', async () => {
  await assert.rejects(call('getObject', { Bucket, Region, Key: 'missing' }), (e) => {
    assert.strictEqual(e.cos.statusCode, 404);
    return true;
  });
  await assert.rejects(call('putBucket', { Bucket, Region }), (e) => {
    assert.strictEqual(e.cos.statusCode, 409);
    assert.strictEqual(e.cos.code, 'BucketAlreadyOwnedByYou');
    return true;
  });
});

// The Node.js side of bench/transfer/run.sh: one upload (sliceUploadFile) or download (getObject with
// Output to a file) through the official cos-nodejs-sdk-v5, with cosd as its HTTP proxy.
// Usage: node transfer_node.js PORT BUCKET SECRET_ID SECRET_KEY upload|download FILE KEY CHUNK_MIB PARALLEL
'use strict';
const COS = require('cos-nodejs-sdk-v5');

const [port, Bucket, SecretId, SecretKey, mode, file, Key, chunkMiB, parallel] = process.argv.slice(2);
const Region = 'ap-guangzhou';
const cos = new COS({
  SecretId,
  SecretKey,
  Protocol: 'http:',
  Proxy: `http://127.0.0.1:${port}`,
  ChunkParallelLimit: Number(parallel),
  ChunkSize: Number(chunkMiB) * 1024 * 1024,
});

const t0 = process.hrtime.bigint();
const done = (what) => (err) => {
  if (err) {
    console.error(`transfer_node: ${what} failed: ${JSON.stringify(err)}`);
    process.exit(1);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${what} ${Key} parallel=${parallel} chunk=${chunkMiB}MiB: ${s.toFixed(2)} s`);
};
if (mode === 'upload') {
  cos.sliceUploadFile({ Bucket, Region, Key, FilePath: file, ChunkSize: Number(chunkMiB) * 1024 * 1024,
    AsyncLimit: Number(parallel) }, done('upload'));
} else {
  cos.getObject({ Bucket, Region, Key, Output: file }, done('download'));
}

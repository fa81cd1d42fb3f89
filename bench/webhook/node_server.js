// The Node peer for bench/webhook_bench.sh: a GitHub webhook receiver using only `http` and
// `crypto` — HMAC-SHA256 over the raw body, constant-time compare, JSON.parse, 200/401.
'use strict';
const http = require('http');
const crypto = require('crypto');

const secret = process.env.WEBHOOK_SECRET || '';
const port = Number(process.env.PORT || 9102);
const limit = 25 * 1024 * 1024;

http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, {'Content-Type': 'text/plain'});
    res.end('ok');
    return;
  }
  if (req.method !== 'POST' || req.url !== '/webhook') {
    res.writeHead(404, {'Content-Type': 'application/json'});
    res.end('{"success":false,"error":"not found"}');
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > limit) {
      res.writeHead(413, {'Content-Type': 'application/json', Connection: 'close'});
      res.end('{"success":false,"error":"payload too large"}');
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const header = String(req.headers['x-hub-signature-256'] || '');
    const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
    const a = Buffer.from(header);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
      res.writeHead(401, {'Content-Type': 'application/json'});
      res.end('{"success":false,"error":"invalid signature"}');
      return;
    }
    let payload;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (e) {
      res.writeHead(400, {'Content-Type': 'application/json'});
      res.end('{"success":false,"error":"malformed JSON"}');
      return;
    }
    const ref = payload && payload.ref;
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({success: true, message: 'ignored: ' + ref}));
  });
}).listen(port, '127.0.0.1', () => {
  console.log('listening on ' + port);
});

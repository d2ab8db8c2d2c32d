/**
 * The HTTP benchmark's baseline: an Express hello-world on the same Node, started by `http.bench.ts` in a
 * process of its own like the server it is compared with. `PORT` on 127.0.0.1. With `HELLO_BODY` (a JSON
 * file), it answers that document instead, serialized on every request as the server's answers are: what
 * sending an answer of that size costs with no work behind it.
 */
import { readFileSync } from 'node:fs';
import express from 'express';

const body: unknown = process.env.HELLO_BODY
  ? JSON.parse(readFileSync(process.env.HELLO_BODY, 'utf8'))
  : { hello: 'world' };
const app = express();
app.get('/', (_req, res) => {
  res.json(body);
});
app.listen(Number(process.env.PORT), '127.0.0.1');

/**
 * The HTTP benchmark's baseline: an Express hello-world on the same Node, started by `http.bench.ts` in a
 * process of its own like the server it is compared with. `PORT` on 127.0.0.1.
 */
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
app.listen(Number(process.env.PORT), '127.0.0.1');

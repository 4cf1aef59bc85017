// Checks two running `albertq serve` processes (started by
// check-server-clients.sh): DEBSEC_URL serves the embedded debsec classifier,
// RERANK_URL the one-label testdata/albert-tiny-reranker; both need API_KEY.
// /v1/embeddings is called through OpenAI's official library, the TEI routes
// with fetch. Prints one line per check and "N passed, M failed".
'use strict';
const fs = require('fs');
const path = require('path');
const OpenAI = require('openai').default;

const { DEBSEC_URL, RERANK_URL, API_KEY } = process.env;
const SHORT = process.env.SHORT === '1';
let passed = 0, failed = 0;

function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : ': ' + detail}`);
}

async function call(base, route, body, key = API_KEY) {
  const resp = await fetch(base + route, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* /metrics, /health */ }
  return { status: resp.status, json, text };
}

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
// JSON floats are the shortest decimals of float32s; base64 gives the
// float32s themselves: compare as float32.
const same = (a, b) => a.length === b.length && a.every((x, i) => Math.fround(x) === Math.fround(b[i]));

const texts = [
  'a multiplayer first-person shooter with network play',
  'an image editor with layers and filters',
  'perl module to parse configuration files',
];

async function openAIChecks() {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: DEBSEC_URL + '/v1' });
  // The library asks for base64 unless told otherwise, and decodes it.
  const b64 = await client.embeddings.create({ model: 'debsec', input: texts });
  check('openai: one embedding per input, in order', b64.data.length === 3 && b64.data.every((d, i) => d.index === i));
  check('openai: 256 dimensions, unit length', b64.data.every((d) => d.embedding.length === 256 && Math.abs(norm(d.embedding) - 1) < 1e-5));
  check('openai: model and usage', b64.model === 'debsec' && b64.usage.prompt_tokens > 3 && b64.usage.total_tokens === b64.usage.prompt_tokens,
    JSON.stringify(b64.usage));
  const floats = await client.embeddings.create({ model: 'debsec', input: texts, encoding_format: 'float' });
  check('openai: float and base64 give the same numbers', floats.data.every((d, i) => same(d.embedding, b64.data[i].embedding)));
  const small = await client.embeddings.create({ model: 'debsec', input: texts[0], dimensions: 64 });
  check('openai: dimensions 64, normalized again', small.data[0].embedding.length === 64 && Math.abs(norm(small.data[0].embedding) - 1) < 1e-5);

  const tok = await call(DEBSEC_URL, '/tokenize', { inputs: texts[0] });
  const ids = tok.json[0].map((t) => t.id);
  const byIDs = await client.embeddings.create({ model: 'debsec', input: [ids] });
  check('openai: token ids from /tokenize embed like the text', same(byIDs.data[0].embedding, b64.data[0].embedding));

  try {
    await client.embeddings.create({ model: 'debsec', input: [] });
    check('openai: empty input is refused', false, 'no error');
  } catch (e) {
    check('openai: empty input is a 400 BadRequestError saying why', e instanceof OpenAI.BadRequestError && e.status === 400 && /cannot be empty/.test(e.message), e.message);
  }
  try {
    await new OpenAI({ apiKey: 'wrong', baseURL: DEBSEC_URL + '/v1', maxRetries: 0 }).embeddings.create({ model: 'debsec', input: 'x' });
    check('openai: a wrong key is refused', false, 'no error');
  } catch (e) {
    check('openai: a wrong key is a 401 AuthenticationError', e instanceof OpenAI.AuthenticationError && e.status === 401, e.message);
  }

  // Concurrent requests (batched by the server) get what each text gets alone.
  const n = SHORT ? 16 : 128;
  const many = Array.from({ length: n }, (_, i) => `${texts[i % 3]} number ${i} ${'and more words '.repeat(i % 7)}`);
  const alone = [];
  for (const t of many.slice(0, 8)) alone.push((await client.embeddings.create({ model: 'debsec', input: t })).data[0].embedding);
  const together = await Promise.all(many.map((t) => client.embeddings.create({ model: 'debsec', input: t })));
  check(`openai: ${n} concurrent requests equal the same texts one at a time`, alone.every((v, i) => same(v, together[i].data[0].embedding)));
  return b64.data.map((d) => d.embedding);
}

async function teiChecks(openAIVectors) {
  const embed = await call(DEBSEC_URL, '/embed', { inputs: texts });
  check('/embed: the vectors of /v1/embeddings', embed.status === 200 && embed.json.every((v, i) => same(v, openAIVectors[i])), embed.text.slice(0, 200));

  const pred = await call(DEBSEC_URL, '/predict', { inputs: texts[0] });
  const sum = pred.json.reduce((s, p) => s + p.score, 0);
  check('/predict: games first, 8 scores summing to 1', pred.status === 200 && pred.json[0].label === 'games' && pred.json.length === 8 && Math.abs(sum - 1) < 1e-5,
    pred.text.slice(0, 200));
  const pairs = await call(DEBSEC_URL, '/predict', { inputs: [[texts[1]], [texts[2], 'to read ini files']], raw_scores: true });
  check('/predict: a batch of a text and a pair, raw scores', pairs.status === 200 && pairs.json.length === 2 && pairs.json[1].length === 8, pairs.text.slice(0, 200));

  const refused = await call(DEBSEC_URL, '/rerank', { query: 'a game', texts: texts });
  check('/rerank on an 8-label classifier: 424 saying why', refused.status === 424 && refused.json.error_type === 'Backend' && /not a re-ranker/.test(refused.json.error),
    refused.text);

  // The reranker is albert-tiny cut to label 0: its raw score on a pair is
  // albert-tiny's logit 0 as transformers computed it.
  const expected = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'testdata', 'albert-tiny', 'expected.json')));
  const pairCase = expected.cases.find((c) => c.name === 'pair');
  const query = pairCase.inputs[0].text;
  const docs = ['Yes.', pairCase.inputs[0].text_pair, 'something else entirely'];
  const raw = await call(RERANK_URL, '/rerank', { query, texts: docs, raw_scores: true, return_text: true });
  const mine = raw.json.find((r) => r.index === 1);
  check('/rerank: highest score first, with the texts', raw.status === 200 && raw.json.every((r, i) => i === 0 || r.score <= raw.json[i - 1].score) &&
    raw.json.every((r) => r.text === docs[r.index]), raw.text);
  check("/rerank: raw score is transformers' logit", Math.abs(mine.score - pairCase.outputs.logits.data[0]) < 1e-4, `${mine.score} vs ${pairCase.outputs.logits.data[0]}`);
  const probs = await call(RERANK_URL, '/rerank', { query, texts: docs });
  check('/rerank: scores are the sigmoid of the logits', probs.json.every((r, i) => Math.abs(r.score - 1 / (1 + Math.exp(-raw.json[i].score))) < 1e-6), probs.text);

  const info = await call(DEBSEC_URL, '/info');
  check('/info', info.status === 200 && info.json.model_id === 'debsec' && info.json.model_dtype === 'int8' && info.json.model_type.classifier, info.text.slice(0, 200));
  const health = await call(DEBSEC_URL, '/health', undefined, 'no key needed');
  check('/health without the key', health.status === 200);
  const metrics = await call(DEBSEC_URL, '/metrics', undefined, 'no key needed');
  check('/metrics', metrics.status === 200 && /albertq_requests_total\{route="\/embed",status="200"\}/.test(metrics.text));
  const noKey = await call(DEBSEC_URL, '/embed', { inputs: 'x' }, 'wrong');
  check('/embed with a wrong key: 401', noKey.status === 401 && noKey.json.error_type === 'Unauthorized', noKey.text);
}

(async () => {
  try {
    await teiChecks(await openAIChecks());
  } catch (e) {
    check('no unexpected error', false, e.stack);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();

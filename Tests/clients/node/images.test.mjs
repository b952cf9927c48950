// Node 20 built-in fetch/FormData/Blob against images-mock; run with `node --test Tests/clients/node/`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { AUTH, KEY, envelope, startMock, stopCleanly } from './mock.mjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const REQUEST_ID = /^req_[0-9a-f]{32}$/;

/** Width and height from a PNG's IHDR chunk, read by hand. */
function pngDimensions(bytes) {
  assert.ok(bytes.length > 33, 'PNG too short');
  assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE, 'PNG signature');
  assert.equal(bytes.readUInt32BE(8), 13, 'IHDR length');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', 'first chunk is IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function assertApiHeaders(res) {
  assert.match(res.headers.get('x-request-id') ?? '', REQUEST_ID);
  assert.match(res.headers.get('openai-processing-ms') ?? '', /^\d+$/);
  assert.equal(res.headers.get('openai-version'), '2020-10-01');
  assert.ok(res.headers.get('openai-organization'), 'openai-organization header');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
}

describe('images-mock with Node fetch', () => {
  let mock;

  before(async () => {
    mock = await startMock();
  });

  after(() => stopCleanly(mock));

  const generations = () => `${mock.baseURL}/v1/images/generations`;
  const postJSON = (body, headers = AUTH) => fetch(generations(), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  test('gpt-image-1 generation returns a PNG of the requested size', async () => {
    const res = await postJSON({ model: 'gpt-image-1', prompt: 'a node otter', size: '1024x1536', quality: 'low' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assertApiHeaders(res);
    const body = await res.json();
    assert.equal(body.data.length, 1);
    assert.equal(body.size, '1024x1536');
    assert.equal(body.output_format, 'png');
    assert.ok(['low'].includes(body.quality));
    assert.ok(['opaque', 'transparent'].includes(body.background));
    assert.equal(body.usage.total_tokens, body.usage.input_tokens + body.usage.output_tokens);
    const png = Buffer.from(body.data[0].b64_json, 'base64');
    assert.deepEqual(pngDimensions(png), { width: 1024, height: 1536 });
  });

  test('dall-e-2 url points at the mock and serves a PNG without auth', async () => {
    const res = await postJSON({ model: 'dall-e-2', prompt: 'x', size: '512x512' });
    assert.equal(res.status, 200);
    const { data } = await res.json();
    assert.ok(data[0].url.startsWith(`${mock.baseURL}/v1/files/images/`), data[0].url);
    const image = await fetch(data[0].url);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.deepEqual(pngDimensions(Buffer.from(await image.arrayBuffer())), { width: 512, height: 512 });
  });

  test('unknown parameter: exact error body', async () => {
    const res = await postJSON({ model: 'gpt-image-1', prompt: 'x', response_format: null });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assertApiHeaders(res);
    assert.equal(await res.text(), envelope("Unknown parameter: 'response_format'.", 'invalid_request_error',
      'response_format', 'unknown_parameter'));
  });

  test('n above the maximum: exact error body', async () => {
    const res = await postJSON({ model: 'gpt-image-2', prompt: 'x', n: 11 });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), envelope(
      "Invalid 'n': integer above maximum value. Expected a value <= 10, but got 11 instead.",
      'invalid_request_error', 'n', 'integer_above_max_value'));
  });

  test('wrong key is rejected when --api-key is given', async () => {
    const keyed = await startMock(['--api-key', KEY]);
    try {
      const wrong = 'sk-qtKGh' + 'N'.repeat(39) + 'xymX';
      const res = await fetch(`${keyed.baseURL}/v1/images/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${wrong}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'x' }),
      });
      assert.equal(res.status, 401);
      assert.equal(await res.text(), envelope(
        `Incorrect API key provided: sk-qtKGh${'*'.repeat(39)}xymX. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error', null, 'invalid_api_key'));
    } finally {
      const { code } = await keyed.stop();
      assert.equal(code, 0);
    }
  });

  test('multipart FormData to generations is rejected (contract row 18)', async () => {
    const form = new FormData();
    form.append('model', 'gpt-image-1');
    form.append('prompt', 'otter');
    form.append('image', new Blob([PNG_SIGNATURE], { type: 'image/png' }), 'a.png');
    const res = await fetch(generations(), { method: 'POST', headers: AUTH, body: form });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), envelope(
      "Unsupported content type: 'multipart/form-data'. This API method only accepts 'application/json' requests, " +
      "but you specified the header 'Content-Type: multipart/form-data'. Please try again with a supported content type.",
      'invalid_request_error', null, 'unsupported_content_type'));
  });

  test('multipart FormData edit with a PNG Blob', async () => {
    // A 1x1 RGBA PNG, built by hand is overkill: fetch one from the mock itself first.
    const gen = await postJSON({ model: 'dall-e-2', prompt: 'seed', size: '256x256', response_format: 'b64_json' });
    const png = Buffer.from((await gen.json()).data[0].b64_json, 'base64');
    const form = new FormData();
    form.append('model', 'gpt-image-1');
    form.append('prompt', 'add a hat');
    form.append('size', '1536x1024');
    form.append('quality', 'low');
    form.append('image[]', new Blob([png], { type: 'image/png' }), 'seed.png');
    const res = await fetch(`${mock.baseURL}/v1/images/edits`, { method: 'POST', headers: AUTH, body: form });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.deepEqual(pngDimensions(Buffer.from(body.data[0].b64_json, 'base64')), { width: 1536, height: 1024 });
  });

  test('malformed JSON (contract row 19)', async () => {
    const res = await postJSON('{"model": "gpt-image-1",');
    assert.equal(res.status, 400);
    const body = JSON.parse(await res.text());
    assert.equal(body.error.code, null);
    assert.ok(body.error.message.startsWith('We could not parse the JSON body of your request.'));
  });

  test('unknown route answers the Invalid URL envelope', async () => {
    const res = await fetch(`${mock.baseURL}/v1/images/foo`, {
      method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}',
    });
    assert.equal(res.status, 404);
    assertApiHeaders(res);
    const { error } = await res.json();
    assert.deepEqual(error, { message: 'Invalid URL (POST /v1/images/foo)', type: 'invalid_request_error', param: null, code: null });
  });

  test('parallel fetches all succeed with distinct request ids', async () => {
    const responses = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      postJSON({ model: 'dall-e-2', prompt: `parallel ${i}`, size: '256x256', response_format: 'b64_json' })));
    const ids = new Set();
    for (const res of responses) {
      assert.equal(res.status, 200);
      ids.add(res.headers.get('x-request-id'));
      const { data } = await res.json();
      assert.deepEqual(pngDimensions(Buffer.from(data[0].b64_json, 'base64')), { width: 256, height: 256 });
    }
    assert.equal(ids.size, 16);
  });
});

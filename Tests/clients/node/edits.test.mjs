// Multipart edits and variations with Node's built-in fetch, FormData and Blob (undici builds the
// body and the boundary); run with `node --test Tests/clients/node/edits.test.mjs`.
// Contract §3.2, §3.3, §3.5, §7.2 rows 17–25f, §8. Input PNGs are written by hand (zlib + CRC-32).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';

import { AUTH, envelope, startMock, stopCleanly } from './mock.mjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IRE = 'invalid_request_error';
const OCTET = (param) => `Invalid file '${param}': unsupported mimetype ('application/octet-stream'). ` +
  "Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.";

// -- PNG by hand ------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit PNG filled with one colour; RGBA (colour type 6) or RGB (colour type 2). */
function makePNG(width, height, { alpha = true, color = [200, 40, 40, 255] } = {}) {
  const channels = alpha ? 4 : 3;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = alpha ? 6 : 2;
  const row = Buffer.alloc(1 + width * channels); // filter byte 0, then pixels
  for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) row[1 + x * channels + c] = color[c];
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height from a PNG's IHDR chunk, read by hand. */
function pngDimensions(bytes) {
  assert.ok(bytes.length > 33, 'PNG too short');
  assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE, 'PNG signature');
  assert.equal(bytes.readUInt32BE(8), 13, 'IHDR length');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', 'first chunk is IHDR');
  assert.equal(bytes.readUInt32BE(29), crc32(bytes.subarray(12, 29)), 'IHDR CRC');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const b64Dimensions = (b64) => pngDimensions(Buffer.from(b64, 'base64'));

const SQUARE = makePNG(64, 64);
const LANDSCAPE = makePNG(96, 64);
const PORTRAIT = makePNG(64, 96, { alpha: false });
const pngBlob = (bytes = SQUARE) => new Blob([bytes], { type: 'image/png' });

function form(fields, files = []) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, String(value));
  for (const [name, blob, filename] of files) body.append(name, blob, filename);
  return body;
}

describe('multipart edits and variations with Node fetch', () => {
  let mock;

  before(async () => {
    mock = await startMock();
  });

  after(() => stopCleanly(mock));

  const post = (path, body, headers = {}) =>
    fetch(`${mock.baseURL}/v1/images/${path}`, { method: 'POST', headers: { ...AUTH, ...headers }, body });

  async function assertError(res, status, message, type = IRE, param = null, code = null) {
    assert.equal(res.status, status);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(await res.text(), envelope(message, type, param, code));
  }

  test('edit with one Blob image: size auto follows the landscape input', async () => {
    const res = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'add a lighthouse', quality: 'low' },
      [['image', pngBlob(LANDSCAPE), 'landscape.png']]));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = await res.json();
    assert.equal(body.size, '1536x1024');
    assert.equal(body.output_format, 'png');
    assert.equal(body.data.length, 1);
    assert.equal(body.data[0].url, undefined);
    assert.deepEqual(b64Dimensions(body.data[0].b64_json), { width: 1536, height: 1024 });
  });

  test('several image[] parts and a mask, numbers sent as text', async () => {
    const res = await post('edits', form(
      { model: 'gpt-image-1', prompt: 'merge', quality: 'low', n: 2, size: 'auto', input_fidelity: 'high' },
      [['image[]', pngBlob(PORTRAIT), 'p.png'], ['image[]', pngBlob(SQUARE), 's.png'],
        ['image[]', new File([LANDSCAPE], 'l.png', { type: 'image/png' })],
        ['mask', pngBlob(makePNG(64, 96, { color: [0, 0, 0, 0] })), 'mask.png']]));
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.equal(body.size, '1024x1536', 'size auto follows the first image (portrait)');
    assert.equal(body.data.length, 2);
    for (const item of body.data) assert.deepEqual(b64Dimensions(item.b64_json), { width: 1024, height: 1536 });
  });

  test('a Blob without type goes out as application/octet-stream (row 25)', async () => {
    const single = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x' },
      [['image', new Blob([SQUARE]), 'a.png']]));
    await assertError(single, 400, OCTET('image'), IRE, 'image', 'unsupported_file_mimetype');
    assert.match(single.headers.get('x-images-mock-diagnosis') ?? '', /declared Content-Type decides/);

    const array = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x' },
      [['image[]', new Blob([SQUARE]), 'a.png'], ['image[]', pngBlob(), 'b.png']]));
    await assertError(array, 400, OCTET('image[0]'), IRE, 'image[0]', 'unsupported_file_mimetype');
  });

  test('image appended as a string is a text field (row 25d)', async () => {
    const res = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x', image: 'a.png' }));
    await assertError(res, 400,
      "Invalid type for 'image': expected one of an array of files or file, but got a string instead.",
      IRE, 'image', 'invalid_type');
  });

  test('17 images are one too many', async () => {
    const files = Array.from({ length: 17 }, (_, i) => ['image[]', pngBlob(), `${i}.png`]);
    const res = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x' }, files));
    await assertError(res, 400,
      "Invalid 'image': array too long. Expected an array with maximum length 16, but got an array with length 17 instead.",
      IRE, 'image', 'array_above_max_length');
  });

  test('GPT mask without alpha channel', async () => {
    const res = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x' },
      [['image', pngBlob(), 'a.png'], ['mask', pngBlob(makePNG(64, 64, { alpha: false })), 'm.png']]));
    await assertError(res, 400, 'Invalid mask image format - mask image missing alpha channel',
      'image_generation_user_error', 'mask', 'invalid_mask_image_format');
  });

  test('hand-set Content-Type: multipart/form-data on a FormData body loses the boundary', async () => {
    const res = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x' }, [['image', pngBlob(), 'a.png']]),
      { 'content-type': 'multipart/form-data' });
    await assertError(res, 400,
      'Invalid Content-Type "multipart/form-data": the boundary parameter is missing, so the body cannot be split into parts.');
    assert.equal(res.headers.get('x-images-mock-diagnosis'),
      "Don't set Content-Type by hand; let your HTTP client add the boundary.");
  });

  test('streamed edit: image_edit.* events, one-line data matching the event name', async () => {
    const res = await post('edits', form({ model: 'gpt-image-1.5', prompt: 'x', quality: 'low', stream: true,
      partial_images: 1, size: '1024x1024' }, [['image', pngBlob(), 'a.png']]));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const frames = (await res.text()).split('\n\n').filter((frame) => frame.trim());
    const events = frames.map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split('\n');
      assert.equal(rest.length, 0, frame.slice(0, 200));
      assert.ok(eventLine.startsWith('event: ') && dataLine.startsWith('data: '), frame.slice(0, 200));
      const data = JSON.parse(dataLine.slice('data: '.length));
      assert.equal(data.type, eventLine.slice('event: '.length));
      return data;
    });
    const last = events.at(-1);
    assert.equal(last.type, 'image_edit.completed');
    for (const event of events.slice(0, -1)) assert.equal(event.type, 'image_edit.partial_image');
    assert.deepEqual(b64Dimensions(last.b64_json), { width: 1024, height: 1024 });
  });

  test('dall-e-2 variation with b64_json', async () => {
    const res = await post('variations', form({ model: 'dall-e-2', n: 2, size: '256x256', response_format: 'b64_json' },
      [['image', pngBlob(makePNG(64, 64, { alpha: false })), 'sq.png']]));
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ['created', 'data']);
    assert.equal(body.data.length, 2);
    for (const item of body.data) assert.deepEqual(b64Dimensions(item.b64_json), { width: 256, height: 256 });
  });

  test('dall-e-2 variation answers a url by default, served as PNG', async () => {
    const res = await post('variations', form({ model: 'dall-e-2', size: '512x512' }, [['image', pngBlob(), 'sq.png']]));
    assert.equal(res.status, 200, await res.clone().text());
    const { data } = await res.json();
    assert.deepEqual(Object.keys(data[0]), ['url']);
    const image = await fetch(data[0].url);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.deepEqual(pngDimensions(Buffer.from(await image.arrayBuffer())), { width: 512, height: 512 });
  });

  test('variation errors: prompt, GPT model, non-square, JSON body', async () => {
    await assertError(await post('variations', form({ model: 'dall-e-2', prompt: 'x' }, [['image', pngBlob(), 'a.png']])),
      400, "Unknown parameter: 'prompt'.", IRE, 'prompt', 'unknown_parameter');
    await assertError(await post('variations', form({ model: 'gpt-image-1.5' }, [['image', pngBlob(), 'a.png']])),
      400, "Invalid value: 'gpt-image-1.5'. Supported values are: 'dall-e-2'.", IRE, 'model', 'invalid_value');
    await assertError(await post('variations', form({ model: 'dall-e-2' }, [['image', pngBlob(makePNG(64, 48)), 'a.png']])),
      400, 'Invalid input image - expected an image with equal width and height, got 64x48 instead.');
    await assertError(await post('variations', JSON.stringify({ model: 'dall-e-2' }), { 'content-type': 'application/json' }),
      415, "Invalid Content-Type header (application/json), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')");
  });

  test('dall-e-2 edit rules: image[] and RGB without mask', async () => {
    const fields = { model: 'dall-e-2', prompt: 'x', size: '256x256' };
    await assertError(await post('edits', form(fields, [['image[]', pngBlob(), 'a.png']])),
      400, "Invalid type for 'image': expected a file, but got an array instead.", IRE, 'image', 'invalid_type');
    await assertError(await post('edits', form(fields, [['image', pngBlob(makePNG(64, 64, { alpha: false })), 'a.png']])),
      400, "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.");
    const ok = await post('edits', form({ ...fields, response_format: 'b64_json' }, [['image', pngBlob(), 'a.png']]));
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.deepEqual(b64Dimensions((await ok.json()).data[0].b64_json), { width: 256, height: 256 });
  });
});

// Starts the images-mock binary on port 0 for the Node client tests.
// The binary is IMAGES_MOCK_BIN or <repo>/.build/debug/images-mock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LISTENING = /^images-mock listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

export const KEY = 'sk-test-node-client-0123456789abcdefghijklmnopqrstuv';
export const AUTH = { authorization: `Bearer ${KEY}` };

export function binaryPath() {
  const value = process.env.IMAGES_MOCK_BIN;
  if (!value) return resolve(repoRoot, '.build', 'debug', 'images-mock');
  return isAbsolute(value) ? value : resolve(repoRoot, value);
}

/** Spawns `images-mock serve --port 0 ...args`; resolves to { baseURL, port, child, stop() }. */
export function startMock(args = [], timeoutMs = 15000) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    return Promise.reject(new Error(`images-mock binary not found at ${bin}; build it or set IMAGES_MOCK_BIN`));
  }
  const child = spawn(bin, ['serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });

  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  }

  return new Promise((resolveStart, rejectStart) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`no listening line within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`images-mock exited with ${code} before listening; stderr:\n${stderr}`));
    });
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      const match = LISTENING.exec(line);
      if (!match) {
        child.kill('SIGKILL');
        rejectStart(new Error(`unexpected first line ${JSON.stringify(line)}`));
        return;
      }
      resolveStart({ baseURL: match[1], port: Number(match[2]), child, stop, stderr: () => stderr });
    });
  });
}

/** The exact error body: 2-space pretty JSON, keys message/type/param/code, trailing newline. */
export function envelope(message, type = 'invalid_request_error', param = null, code = null) {
  return JSON.stringify({ error: { message, type, param, code } }, null, 2) + '\n';
}

/** Stops a mock started by startMock and checks it exited cleanly: SIGTERM must end it with 0. */
export async function stopCleanly(mock) {
  if (!mock) return;
  const { code, signal } = await mock.stop();
  assert.equal(signal, null, `images-mock was killed by ${signal}`);
  assert.equal(code, 0, `SIGTERM must exit 0; stderr:\n${mock.stderr()}`);
}

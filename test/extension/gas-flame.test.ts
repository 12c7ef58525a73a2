import test from 'node:test';
import assert from 'node:assert/strict';
import { flameBoxes, flameHtml } from '../../extension/gas-flame.ts';

const leaf = (name: string, gas: number, path?: string) => ({ name, ...(path ? { path, line: 3 } : {}), count: 1, gas, self: gas, children: [] });
const tree = {
  name: 'Caller.run', path: '/w/Caller.sol', line: 25, count: 1, gas: 1000, self: 200,
  children: [{ ...leaf('Callee.scale', 600, '/w/Callee.sol'), self: 100, children: [leaf('Caller.notify', 500, '/w/Caller.sol')] }, leaf('<script>x', 200)],
};

test('flame graph: widths are inclusive gas, children sit side by side inside their parent', () => {
  const boxes = flameBoxes(tree);
  assert.deepEqual(boxes.map((b) => [b.name, b.depth, b.x, b.width]), [
    ['Caller.run', 0, 0, 1], ['Callee.scale', 1, 0, 0.6], ['Caller.notify', 2, 0, 0.5], ['<script>x', 1, 0.6, 0.2],
  ]);
});

test('flame graph page: boxes link to their source, names are escaped, only our script runs', () => {
  const html = flameHtml(tree, 'evm', 'vscode-resource:', 'abc123');
  assert.match(html, /data-path="\/w\/Callee.sol" data-line="3"/);
  assert.match(html, /&#60;script&#62;x 200/);
  assert.doesNotMatch(html, /<script>x/);
  assert.match(html, /script-src 'nonce-abc123'/);
  assert.match(html, /Caller.run: 1,000 gas in the last Chainstep run/);
  assert.match(html, /var\(--vscode-editor-background\)/, 'theme colours');
});

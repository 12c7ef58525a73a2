// The gas profile view without VS Code: the call tree by gas (from `chainstep/lineGas`) laid out as a
// flame graph (the debugged call on top, callees below, widths by inclusive gas), as a self-contained
// HTML page whose colours are the VS Code theme's. Clicking a box asks the extension to open its source.
import type { GasCall } from './gas-hints.ts';

export interface FlameBox {
  readonly name: string;
  readonly depth: number;
  /** Left edge and width as fractions of the root's gas. */
  readonly x: number;
  readonly width: number;
  readonly gas: number;
  readonly self: number;
  readonly count: number;
  readonly path?: string;
  readonly line?: number;
}

/** Boxes in depth-first order; each child sits within its parent, children left to right largest first. */
export function flameBoxes(root: GasCall): FlameBox[] {
  const boxes: FlameBox[] = [];
  const total = root.gas || 1;
  const place = (node: GasCall, depth: number, x: number): void => {
    boxes.push({
      name: node.name, depth, x, width: node.gas / total, gas: node.gas, self: node.self, count: node.count,
      ...(node.path ? { path: node.path, line: node.line! } : {}),
    });
    let left = x;
    for (const child of node.children) {
      place(child, depth + 1, left);
      left += child.gas / total;
    }
  };
  place(root, 0, 0);
  return boxes;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const number = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The webview page. `cspSource` and `nonce` lock it down: no remote content, only our inline script. */
export function flameHtml(root: GasCall, vm: string, cspSource: string, nonce: string): string {
  const rowHeight = 22;
  const boxes = flameBoxes(root);
  const depth = boxes.reduce((d, b) => Math.max(d, b.depth), 0) + 1;
  const unit = vm === 'move' ? 'gas units' : 'gas';
  const items = boxes.map((b, i) => {
    const title = `${b.name}: ${number(b.gas)} ${unit} (${(b.width * 100).toFixed(1)}%), own ${number(b.self)}, ${b.count}× called`
      + (b.path ? `\n${b.path}:${b.line}` : '');
    return `<div class="box${b.path ? ' linked' : ''}" style="left:${(b.x * 100).toFixed(4)}%;width:${(b.width * 100).toFixed(4)}%;top:${b.depth * rowHeight}px;--hue:${(i * 47) % 60}"`
      + (b.path ? ` data-path="${escape(b.path)}" data-line="${b.line}"` : '')
      + ` title="${escape(title)}">${escape(b.name)} ${number(b.gas)}</div>`;
  }).join('\n');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#graph { position: relative; height: ${depth * rowHeight}px; }
.box { position: absolute; height: ${rowHeight - 2}px; line-height: ${rowHeight - 2}px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;
  box-sizing: border-box; padding: 0 4px; border: 1px solid var(--vscode-editor-background);
  background: color-mix(in srgb, var(--vscode-charts-orange) calc(100% - var(--hue) * 1%), var(--vscode-charts-red));
  color: var(--vscode-editor-background); }
.box.linked { cursor: pointer; }
.box:hover { outline: 1px solid var(--vscode-focusBorder); }
</style></head>
<body>
<p>${escape(root.name)}: ${number(root.gas)} ${unit} in the last Chainstep run. Width is gas, including callees; click a box to open its source.</p>
<div id="graph">
${items}
</div>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('graph').addEventListener('click', (e) => {
  const box = e.target.closest('.box.linked');
  if (box) vscode.postMessage({ path: box.dataset.path, line: Number(box.dataset.line) });
});
</script>
</body></html>`;
}

// Starts the debug adapter for a `chainstep` session.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RESTRICTED_MODE_MESSAGE } from './trust.ts';

/**
 * Runs the adapter as a child process, `node <extension>/dist/chainstep.mjs dap`, speaking DAP over stdio.
 * Why not inline in the extension host: solc-js compiles synchronously and can take seconds of CPU, and
 * recording millions of EVM steps is heavy too; in a separate process neither ever blocks the extension
 * host (so other extensions and the editor UI stay responsive), a crash takes down one session only, and
 * VS Code and the tests (`chainstep dap`) run exactly the same program.
 */
export class ChainstepAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // Second line of defence: configurations are refused in Restricted Mode by the configuration provider,
    // but a session can also be started through the API with an already-resolved configuration.
    if (!vscode.workspace.isTrusted) throw new Error(RESTRICTED_MODE_MESSAGE);
    const configured = vscode.workspace.getConfiguration('chainstep').get<string>('nodePath', '').trim();
    const program = path.join(this.extensionPath, 'dist', 'chainstep.mjs');
    // The extension host's own runtime is a Node.js (in VS Code desktop, Electron, which behaves as Node
    // with ELECTRON_RUN_AS_NODE), so no separate Node installation is needed.
    const command = configured !== '' ? configured : process.execPath;
    // The program about to be launched: the adapter offers that VM's exception filters in `initialize`.
    const { program: debugged, cwd } = session.configuration as { program?: unknown; cwd?: unknown };
    const expected = typeof debugged === 'string' && debugged !== '' ? ['--program', debugged, ...(typeof cwd === 'string' && cwd !== '' ? ['--cwd', cwd] : [])] : [];
    return new vscode.DebugAdapterExecutable(command, [program, 'dap', ...expected], {
      env: configured !== '' ? {} : { ELECTRON_RUN_AS_NODE: '1' },
    });
  }
}

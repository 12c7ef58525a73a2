// "Chainstep: Debug Transaction…": asks for a node's URL (the last one is offered again) and a transaction
// hash, and starts a session replaying that transaction with the workspace folder's sources.
import * as vscode from 'vscode';
import { ensureTrusted } from './trust.ts';
import { rpcUrlProblem, transactionLaunch, txHashProblem } from './transaction-launch.ts';

export const DEBUG_TRANSACTION_COMMAND = 'chainstep.debugTransaction';
const LAST_RPC_URL = 'chainstep.lastRpcUrl';

export async function debugTransaction(context: vscode.ExtensionContext): Promise<boolean> {
  if (!ensureTrusted()) return false;
  const rpcUrl = await vscode.window.showInputBox({
    title: 'Debug Transaction (1/2)',
    prompt: 'JSON-RPC URL of the node that has the transaction',
    value: context.globalState.get<string>(LAST_RPC_URL) ?? 'http://127.0.0.1:8545',
    ignoreFocusOut: true,
    validateInput: rpcUrlProblem,
  });
  if (rpcUrl === undefined) return false;
  await context.globalState.update(LAST_RPC_URL, rpcUrl.trim());
  const txHash = await vscode.window.showInputBox({
    title: 'Debug Transaction (2/2)',
    prompt: 'Hash of the mined transaction',
    placeHolder: '0x…',
    ignoreFocusOut: true,
    validateInput: txHashProblem,
  });
  if (txHash === undefined) return false;
  // The folder of the file in the editor, else the first: its build is matched to the code that ran.
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return vscode.debug.startDebugging(folder, transactionLaunch(folder?.uri.fsPath ?? '', rpcUrl, txHash));
}

// Workspace trust (SPEC 18): debugging compiles and executes the workspace's contracts (and reads its
// remappings, build output and traces), so in Restricted Mode nothing is started. Highlighting, snippets and
// code lenses (a text scan) stay available.
import * as vscode from 'vscode';

export const RESTRICTED_MODE_MESSAGE =
  'Chainstep does not debug in Restricted Mode: debugging compiles and runs code from this workspace. Trust the workspace to debug.';

/** True when debugging may start; otherwise tells the user why not and offers to manage trust. */
export function ensureTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showErrorMessage(RESTRICTED_MODE_MESSAGE, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

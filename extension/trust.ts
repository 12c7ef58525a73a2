// Workspace trust (SPEC 18): debugging compiles and executes the workspace's contracts (and reads its
// remappings, build output and traces), so in Restricted Mode no debug session is started. Highlighting,
// snippets, code lenses (a text scan) and the language server stay available: the server only analyses
// (solc's and our Move front end's checks run nothing of the workspace, and it never fetches Move git
// dependencies).
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

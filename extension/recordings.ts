// "Chainstep: Save Recording…" and "Chainstep: Open Recording…": a session's recording saved to one
// .chainstep file (the adapter writes it: the `chainstep/saveRecording` request), and such a file opened
// as a new session (the launch field `recording`), e.g. one attached to a bug report or kept by CI.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './launch-config.ts';

export const SAVE_RECORDING_COMMAND = 'chainstep.saveRecording';
export const OPEN_RECORDING_COMMAND = 'chainstep.openRecording';
const FILTERS = { 'Chainstep recordings': ['chainstep'] };

export function registerRecordings(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SAVE_RECORDING_COMMAND, () => saveRecording()),
    vscode.commands.registerCommand(OPEN_RECORDING_COMMAND, (file?: vscode.Uri) => openRecording(file)),
  );
}

/** A launch configuration that opens a recording file. */
export function recordingLaunch(file: string): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: `Recording ${path.basename(file)}`, recording: file, cwd: path.dirname(file), stopOnEntry: true };
}

async function saveRecording(): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (!session || session.type !== DEBUG_TYPE) {
    void vscode.window.showErrorMessage('Chainstep: start a Chainstep debug session to save its recording.');
    return;
  }
  const folder = session.workspaceFolder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${session.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'recording'}.chainstep`;
  const target = await vscode.window.showSaveDialog({
    title: 'Save the recording of this debug session',
    filters: FILTERS,
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) return;
  try {
    const saved = (await session.customRequest('chainstep/saveRecording', { path: target.fsPath })) as { path: string; bytes: number; steps: number };
    const kb = Math.max(1, Math.round(saved.bytes / 1024));
    void vscode.window.showInformationMessage(`Chainstep: saved the recording (${saved.steps.toLocaleString('en-US')} steps, ${kb.toLocaleString('en-US')} KB) to ${saved.path}. Open it anywhere with "Chainstep: Open Recording…".`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Chainstep: the recording was not saved: ${(e as Error).message}`);
  }
}

async function openRecording(file: vscode.Uri | undefined): Promise<void> {
  const chosen = file ?? (await vscode.window.showOpenDialog({ title: 'Open a Chainstep recording', filters: FILTERS, canSelectMany: false }))?.[0];
  if (!chosen) return;
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(chosen), recordingLaunch(chosen.fsPath));
}

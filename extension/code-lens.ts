// "Debug" code lenses above Solidity public/external functions and Move #[test] and entry functions.
import * as vscode from 'vscode';
import { scanFunctions } from './function-scan.ts';
import { documentLanguage } from './function-picker.ts';

export const DEBUG_FUNCTION_COMMAND = 'chainstep.debugFunction';

/** What a lens passes to the debug command: enough to find the function again in the current text. */
export interface LensTarget {
  readonly uri: string;
  readonly container: string;
  readonly name: string;
  readonly line: number;
}

export class DebugCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('chainstep').get<boolean>('codeLens.enabled', true)) return [];
    const language = documentLanguage(document);
    if (!language) return [];
    return scanFunctions(language, document.getText())
      // Move: tests and entry functions are what a user runs; plain public functions are in the F5 picker.
      .filter((fn) => language === 'solidity' || fn.kind === 'test' || fn.kind === 'entry')
      .map((fn) => {
        const target: LensTarget = { uri: document.uri.toString(), container: fn.container, name: fn.name, line: fn.line };
        return new vscode.CodeLens(new vscode.Range(fn.line, 0, fn.line, 0), {
          title: fn.kind === 'test' ? '$(debug-alt) Debug test' : '$(debug-alt) Debug',
          tooltip: `Debug ${fn.container}${language === 'solidity' ? '.' : '::'}${fn.name} with Chainstep`,
          command: DEBUG_FUNCTION_COMMAND,
          arguments: [target],
        });
      });
  }
}

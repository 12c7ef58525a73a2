// "Debug" code lenses above Solidity public/external functions and Move #[test] and entry functions.
import * as vscode from 'vscode';
import { scanFunctions } from './function-scan.ts';
import { documentLanguage } from './function-picker.ts';
import { foundryRootOf, isFoundryTestFile } from './foundry-tests.ts';

export const DEBUG_FUNCTION_COMMAND = 'chainstep.debugFunction';
/** Debugs one Foundry test: arguments are the project root, the contract and the test function. */
export const DEBUG_FOUNDRY_TEST_COMMAND = 'chainstep.debugFoundryTest';

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
    // In a Foundry test file, `test*` functions get "Debug test": forge's set-up and cheatcodes, not a bare call.
    const foundryRoot = language === 'solidity' ? foundryRootOf(document.uri.fsPath) : undefined;
    const foundryFile = isFoundryTestFile(document.uri.fsPath, foundryRoot);
    return scanFunctions(language, document.getText())
      // Move: tests and entry functions are what a user runs; plain public functions are in the F5 picker.
      .filter((fn) => language === 'solidity' || fn.kind === 'test' || fn.kind === 'entry')
      .map((fn) => {
        if (foundryFile && /^test/.test(fn.name)) {
          return new vscode.CodeLens(new vscode.Range(fn.line, 0, fn.line, 0), {
            title: '$(debug-alt) Debug test',
            tooltip: `Debug the Foundry test ${fn.container}.${fn.name} with Chainstep (setUp, cheatcodes, console.log)`,
            command: DEBUG_FOUNDRY_TEST_COMMAND,
            arguments: [foundryRoot, fn.container, fn.name],
          });
        }
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

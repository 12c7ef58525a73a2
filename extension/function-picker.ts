// The small bits of UI that turn "debug something in this file" into a launch configuration: pick a
// function, then type its arguments when it has parameters.
import * as vscode from 'vscode';
import { type DebuggableFunction, type Language, scanFunctions } from './function-scan.ts';
import { argumentParams, type ChainstepLaunch, configForFunction, parseArgs, programFor } from './launch-config.ts';

export function documentLanguage(document: vscode.TextDocument): Language | undefined {
  if (document.languageId === 'solidity' || document.languageId === 'move') return document.languageId;
  return undefined;
}

/** Quick pick of the file's debuggable functions; undefined when cancelled or there are none. */
export async function pickFunction(
  language: Language,
  functions: readonly DebuggableFunction[],
  fileName: string,
): Promise<DebuggableFunction | undefined> {
  if (functions.length === 0) {
    const what = language === 'solidity' ? 'public or external function' : '#[test], entry or public function';
    void vscode.window.showErrorMessage(`Chainstep: no ${what} found in ${fileName} to debug.`);
    return undefined;
  }
  if (functions.length === 1) return functions[0];
  const picked = await vscode.window.showQuickPick(
    functions.map((fn) => ({
      label: `${fn.container}${language === 'solidity' ? '.' : '::'}${fn.name}(${fn.params.join(', ')})`,
      description: fn.kind,
      fn,
    })),
    { title: 'Chainstep: function to debug', placeHolder: 'Pick the function to call', matchOnDescription: true },
  );
  return picked?.fn;
}

/**
 * Asks for the arguments of a function with parameters, as a JSON array validated as it is typed.
 * Returns [] without asking for a function without parameters; undefined when the user cancels.
 */
export async function askArgs(language: Language, fn: DebuggableFunction): Promise<unknown[] | undefined> {
  const params = argumentParams(language, fn);
  if (params.length === 0) return [];
  const text = await vscode.window.showInputBox({
    title: `Arguments of ${fn.name}`,
    prompt: `JSON array: ${params.join(', ')}. Integers as numbers or decimal strings, addresses and bytes as 0x strings.`,
    placeHolder: `[${params.map(() => '…').join(', ')}]`,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseArgs(value, params);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseArgs(text, params);
  return typeof parsed === 'string' ? undefined : parsed;
}

/** The whole flow for a document: pick (unless given) a function, ask for its arguments, build the config. */
export async function configForDocument(
  document: vscode.TextDocument,
  chosen?: { name: string; container: string; line: number },
): Promise<ChainstepLaunch | undefined> {
  const language = documentLanguage(document);
  if (!language) return undefined;
  const functions = scanFunctions(language, document.getText());
  const fn = chosen
    ? functions.find((f) => f.name === chosen.name && f.container === chosen.container && f.line === chosen.line) ??
      functions.find((f) => f.name === chosen.name && f.container === chosen.container)
    : await pickFunction(language, functions, vscode.workspace.asRelativePath(document.uri));
  if (!fn) return undefined;
  const args = await askArgs(language, fn);
  if (args === undefined) return undefined;
  return configForFunction(language, programFor(language, document.uri.fsPath), fn, functions, args);
}

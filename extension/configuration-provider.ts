// Fills in `chainstep` launch configurations before a session starts: defaults for F5 without a
// launch.json, arguments for a named function that has parameters but no `args`, absolute paths, and the
// Restricted Mode refusal. No debugging logic: the adapter validates everything else.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Language, languageOfPath, scanFunctions } from './function-scan.ts';
import { askArgs, configForDocument, documentLanguage, pickFunction } from './function-picker.ts';
import { argumentParams, type ChainstepLaunch, configForFunction, findNamedFunction, isEmptyConfig, movePackageFunctions, movePackageOf, programFor, resolvePaths } from './launch-config.ts';
import { ensureTrusted } from './trust.ts';
import { withSolcSettings } from './solc-settings.ts';

export class ChainstepConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** `globalStorage`: the extension's global storage folder (solc downloads are cached there). */
  constructor(private readonly globalStorage?: string) {}

  async resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (!ensureTrusted()) return undefined;
    if (isEmptyConfig(config)) {
      // F5 with no launch.json: debug a function of the file in the editor.
      const editor = vscode.window.activeTextEditor;
      if (!editor || !documentLanguage(editor.document)) {
        // In a Move package (Move.toml in the workspace or around the open file): offer its tests and entry functions.
        const around = editor?.document.uri.scheme === 'file' ? path.dirname(editor.document.uri.fsPath) : workspaceRoot();
        const pkg = around ? movePackageOf(around) : undefined;
        if (pkg) return configForMovePackage(pkg);
        void vscode.window.showErrorMessage('Chainstep: open a .sol or .move file, or add a launch configuration, to debug.');
        return undefined;
      }
      return configForDocument(editor.document);
    }
    const launch = config as ChainstepLaunch;
    // A replayed transaction (rpcUrl + txHash) may have no sources: its code is then shown as opcodes.
    const replay = typeof config['rpcUrl'] === 'string' && typeof config['txHash'] === 'string';
    const recording = typeof launch['recording'] === 'string' && launch['recording'] !== '';
    if ((typeof launch.program !== 'string' || launch.program === '') && !replay && !recording) {
      void vscode.window.showErrorMessage(`Chainstep: launch configuration "${launch.name}" needs a "program" (a .sol file, a folder or a Move package) or a "recording" (a .chainstep file).`);
      return undefined;
    }
    return launch;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (!ensureTrusted()) return undefined;
    const resolved = withSolcSettings(resolvePaths(config as ChainstepLaunch, folder?.uri.fsPath ?? workspaceRoot()), this.globalStorage);
    const language = resolved.program ? languageOfPath(resolved.program) : undefined;
    if (!language || resolved.trace !== undefined) return resolved;
    const file = resolved.program!;
    // A Move module runs as part of its package: a .move file stands for the package around it.
    if (language === 'move') resolved.program = programFor(language, file);
    const functions = scanFile(language, file);
    let fn = findNamedFunction(language, resolved, functions);
    let picked = false;
    if (typeof resolved.function !== 'string' || resolved.function.trim() === '') {
      // No function named (e.g. the initial configuration `"program": "${file}", "function": ""`): pick one
      // of the file's functions, as F5 without a launch.json does.
      fn = await pickFunction(language, functions, path.basename(file));
      if (!fn) return undefined;
      const chosen = configForFunction(language, programFor(language, file), fn, functions);
      resolved.function = chosen.function;
      resolved.program = chosen.program;
      if (chosen.contract !== undefined && resolved.contract === undefined) resolved.contract = chosen.contract;
      picked = true;
    }
    // Arguments for a function with parameters when the configuration has none (a dynamic configuration, a
    // hand-written one, or a function just picked): ask rather than let the call fail on the argument count.
    if (fn && argumentParams(language, fn).length > 0 && (resolved.args === undefined || picked)) {
      const args = await askArgs(language, fn);
      if (args === undefined) return undefined;
      resolved.args = args;
    }
    return resolved;
  }
}

/**
 * Dynamic configurations (the "Chainstep" entry of the Run and Debug picker): one per function of the active
 * file. A separate object because VS Code chains `resolveDebugConfiguration` through every provider of a type,
 * and resolving twice would ask twice. (launch.json creation uses `initialConfigurations` from package.json.)
 */
export class ChainstepDynamicConfigurations implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    const document = vscode.window.activeTextEditor?.document;
    const language = document ? documentLanguage(document) : undefined;
    if (!document || !language) return [];
    const functions = scanFunctions(language, document.getText());
    const program = programFor(language, document.uri.fsPath);
    return functions.map((fn) => configForFunction(language, program, fn, functions));
  }
}

/** F5 in a Move package with no Move file open: pick one of the package's `#[test]` / entry functions. */
async function configForMovePackage(pkg: string): Promise<vscode.DebugConfiguration | undefined> {
  const found = movePackageFunctions(pkg, (text) => scanFunctions('move', text));
  if (found.length === 0) {
    void vscode.window.showErrorMessage(`Chainstep: no #[test] or entry function in the Move package ${path.basename(pkg)} (${pkg}/sources).`);
    return undefined;
  }
  const picked = found.length === 1 ? found[0] : (await vscode.window.showQuickPick(
    found.map((f) => ({ label: `${f.fn.container}::${f.fn.name}(${f.fn.params.join(', ')})`, description: `${f.fn.kind} · ${path.relative(pkg, f.file)}`, f })),
    { title: 'Chainstep: function to debug', placeHolder: `Pick a #[test] or entry function of ${path.basename(pkg)}`, matchOnDescription: true },
  ))?.f;
  if (!picked) return undefined;
  const args = await askArgs('move', picked.fn);
  if (args === undefined) return undefined;
  return configForFunction('move', pkg, picked.fn, found.map((f) => f.fn), args);
}

function scanFile(language: Language, file: string) {
  try {
    return scanFunctions(language, readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

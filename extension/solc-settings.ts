// Where the adapter gets solc releases other than the bundled one: the `chainstep.solc.binariesUrl` setting
// and the extension's global storage as the download cache (the adapter is a child process and cannot ask
// VS Code). A launch configuration's own `solcBinUrl` / `solcCache` win.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChainstepLaunch } from './launch-config.ts';

export function withSolcSettings(config: ChainstepLaunch, globalStorage: string | undefined): ChainstepLaunch {
  const url = vscode.workspace.getConfiguration('chainstep').get<string>('solc.binariesUrl');
  return {
    ...config,
    ...(config.solcBinUrl === undefined && url ? { solcBinUrl: url } : {}),
    ...(config.solcCache === undefined && globalStorage ? { solcCache: path.join(globalStorage, 'solc') } : {}),
  };
}

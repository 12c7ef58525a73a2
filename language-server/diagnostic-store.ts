// Diagnostics of a file come from several owners (the syntax parser, the file's own check, the checks of
// open files importing it); each owner replaces only its own, and the file gets the union. Publishing an
// empty union is what clears the Problems entries once a mistake is fixed.
import type { Connection, Diagnostic } from 'vscode-languageserver';

export class DiagnosticStore {
  private readonly byUri = new Map<string, Map<string, Diagnostic[]>>();
  private readonly published = new Set<string>();

  constructor(private readonly connection: Connection) {}

  set(uri: string, owner: string, diagnostics: Diagnostic[]): void {
    let owners = this.byUri.get(uri);
    if (!owners) this.byUri.set(uri, (owners = new Map()));
    const before = owners.get(owner);
    // Nothing to say, unless the file was never published: an empty first publish tells the client it was checked.
    if ((before?.length ?? 0) === 0 && diagnostics.length === 0 && this.published.has(uri)) return;
    if (diagnostics.length === 0) owners.delete(owner);
    else owners.set(owner, diagnostics);
    this.publish(uri);
  }

  /** Removes everything one owner published, on every file. */
  clearOwner(owner: string): void {
    for (const [uri, owners] of this.byUri) if (owners.delete(owner)) this.publish(uri);
  }

  clearUri(uri: string): void {
    this.published.delete(uri);
    if (this.byUri.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  urisOf(owner: string): string[] {
    return [...this.byUri].filter(([, owners]) => owners.has(owner)).map(([uri]) => uri);
  }

  private publish(uri: string): void {
    const diagnostics = [...(this.byUri.get(uri)?.values() ?? [])].flat();
    this.published.add(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }
}

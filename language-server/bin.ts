// The bundled server's own entry (dist/language-server.mjs): only the server, so it starts fast.
import { runLanguageServer } from './main.ts';

runLanguageServer();

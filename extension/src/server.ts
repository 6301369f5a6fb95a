/**
 * Entry of dist/server.js: the mailconf language server, bundled with everything it needs.
 * The client starts it with `--stdio`; startServer reads that from the process arguments.
 */
import { startServer } from '@mailconf/lsp';

startServer();

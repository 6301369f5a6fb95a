/**
 * Entry of dist/server.js: the mailconf language server, bundled with everything it needs.
 * The client starts it with `--stdio`; startServer reads that from the process arguments.
 *
 * nginx's directive docs are loaded lazily by @mailconf/schema through a run-time require,
 * which a bundle without node_modules cannot resolve: bundle them here and hand them over.
 */
import * as referenceLib from '@nginx/reference-lib';
import { startServer } from '@mailconf/lsp';

(globalThis as { __MAILCONF_REFERENCE_LIB__?: unknown }).__MAILCONF_REFERENCE_LIB__ = referenceLib;
startServer();

/**
 * Document URIs and file paths. The checker speaks in absolute paths; editors in URIs. A
 * document that is not a file (an unsaved buffer) gets a stand-in path inside the directory
 * its includes resolve against, so it can be analysed like any other file.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file path of a `file:` URI, or null for other schemes. */
export function fileUriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/** The path a document is analysed under: its file, or a stand-in for other schemes. */
export function documentPath(uri: string, fallbackDir: string): string {
  const p = fileUriToPath(uri);
  if (p) return path.resolve(p);
  return path.join(fallbackDir, `.mailconf-buffer-${encodeURIComponent(uri)}`);
}

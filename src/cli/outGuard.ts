import { readdirSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

/**
 * Output guards: a command never replaces what is already there unless asked. `--out` into a
 * folder that holds anything, or over an existing file, is a one-line error asking for
 * `--force`; checked before any work starts, so a long run does not end in a refusal.
 */

/** `dir` may be written into: missing, empty (but for files `ours` accepts), or `force`. */
export function guardOutDir(flag: string, dir: string, force: boolean | undefined, ours: (name: string) => boolean = () => false): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`${flag} ${dir}: a file, not a folder; give a folder`);
    entries = readdirSync(dir);
  } catch (e) {
    if (e instanceof UserError) throw e;
    return; // missing: it will be made
  }
  entries = entries.filter((e) => !ours(e));
  if (entries.length === 0 || force) return;
  const shown = entries.sort().slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} files)` : '');
  throw new UserError(`${flag} ${dir}: the folder is not empty (${shown}); choose a new folder, or add --force to replace what is there`);
}

/** `file` may be written: missing, or `force`; never a folder. */
export function guardOutFile(flag: string, file: string, force: boolean | undefined): void {
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    return; // missing
  }
  if (isDir) throw new UserError(`${flag} ${file}: a folder, not a file; give a file name`);
  if (!force) throw new UserError(`${flag} ${file}: the file exists; choose another name, or add --force to overwrite it`);
}

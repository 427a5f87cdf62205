// Whether a path exists / is a file. Only "does not exist" (ENOENT, or ENOTDIR for a path below
// a file) answers false; any other failure (permission, I/O) is thrown, so a problem with the
// disk is not mistaken for a missing file; it is thrown as an `HfFolderError` naming the path.
import { stat } from 'node:fs/promises';
import { fileError } from './file-error';

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw fileError(path, 'look at it', error);
  }
}

export async function pathExists(path: string): Promise<boolean> {
  return (await statOrNull(path)) !== null;
}

export async function isFile(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isFile() ?? false;
}

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const clientRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = resolve(clientRoot, '../..');
export const serverProject = resolve(repoRoot, 'src/SfaMirror.Server');
export const serverDll = resolve(serverProject, 'bin/Release/net10.0/SfaMirror.Server.dll');

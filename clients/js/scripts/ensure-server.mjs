// Builds the relay (Release) for the tests when its dll is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { serverDll, serverProject, repoRoot } from '../test/helpers/paths.mjs';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'bin' || entry.name === 'obj' || entry.name === 'wwwroot') {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSource(path));
    } else if (/\.(cs|csproj|json|props)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

const sources = Math.max(
  newestSource(serverProject),
  ...['Directory.Build.props', 'Directory.Packages.props'].map((f) => (existsSync(join(repoRoot, f)) ? statSync(join(repoRoot, f)).mtimeMs : 0)),
);
if (existsSync(serverDll) && statSync(serverDll).mtimeMs >= sources) {
  console.log(`relay is built: ${serverDll}`);
} else {
  console.log('building the relay for the tests: dotnet build src/SfaMirror.Server -c Release');
  const result = spawnSync('dotnet', ['build', serverProject, '-c', 'Release', '--nologo', '-v', 'quiet'], { stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(serverDll)) {
    console.error('dotnet build of the relay failed');
    process.exit(1);
  }
}

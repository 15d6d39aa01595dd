// Imports one module of the phone app (clients/audience/) into plain node, for unit tests of
// the parts that need no DOM. The app's files are plain ES modules with a .js name and no
// package.json beside them (the daemon serves the folder as it is), which node before 22 would
// read as CommonJS; so the source is imported as a data: URL. Only modules that import nothing
// load this way.

import { readFileSync } from 'node:fs';

export function importPhoneModule(name) {
  const source = readFileSync(new URL(`../../clients/audience/${name}`, import.meta.url));
  return import(`data:text/javascript;base64,${source.toString('base64')}`);
}

#!/usr/bin/env node
// Entry point for `npx tandem-audit`; the code is built from shared/src/cli (run `npm run build` first).
require('../dist/cli/tandem-audit.js');

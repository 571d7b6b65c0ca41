#!/usr/bin/env node
// Entry point for `npx tandem-mcp`; the code is built from mcp/src (run `npm run build` first).
require('../dist/main.js');

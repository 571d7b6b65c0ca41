import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTandemMcpServer } from './server.js';

/** `npx tandem-mcp`: stdio MCP server configured by TANDEM_URL (the server's root) and TANDEM_API_KEY. */
async function main(): Promise<void> {
  const url = process.env.TANDEM_URL;
  const apiKey = process.env.TANDEM_API_KEY;
  if (!url || !apiKey) {
    // stdout is the protocol channel: messages for people go to stderr.
    process.stderr.write('tandem-mcp: set TANDEM_URL (e.g. http://localhost:3000) and TANDEM_API_KEY (tdm_...)\n');
    process.exit(2);
  }
  const server = createTandemMcpServer({ url, apiKey });
  await server.connect(new StdioServerTransport());
}

main().catch((error: unknown) => {
  process.stderr.write(`tandem-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

// The TypeScript peer: the official MCP SDK behind express, stateless (a fresh McpServer and
// StreamableHTTPServerTransport per request, JSON replies), the way the SDK's stateless example
// serves. It lists exactly the tools mcpedge lists: the harness passes mcpedge's tools/list result.
//   node ts_peer.mjs TOOLS_JSON_FILE   (prints "listening on PORT")
import { readFileSync } from 'node:fs';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const tools = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// McpServer.registerTool wants zod schemas; the tools here are JSON Schema already, so the list and
// call handlers go on the McpServer's protocol server directly, answering with the same objects.
function makeServer() {
  const mcp = new McpServer({ name: 'ts-peer', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  mcp.server.setRequestHandler(CallToolRequestSchema, (request) => ({
    content: [{ type: 'text', text: `called ${request.params.name}` }],
  }));
  return mcp;
}

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/mcp', async (req, res) => {
  const server = makeServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  } catch (error) {
    if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: String(error) }, id: null });
  }
});

const listener = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on ${listener.address().port}`);
});
process.on('SIGTERM', () => listener.close(() => process.exit(0)));

// A TypeScript SDK client: calls every tool once over stdio and lets the SDK check each
// structured result against the tool's outputSchema (it throws when they disagree).
// Usage: node check_outputs.mjs CALLS.json -- SERVER_COMMAND [ARGS...]
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [callsFile, separator, command, ...args] = process.argv.slice(2);
if (separator !== "--" || !command) throw new Error("usage: check_outputs.mjs CALLS.json -- COMMAND [ARGS...]");
const calls = JSON.parse(readFileSync(callsFile, "utf8"));

const client = new Client({ name: "ml-expert-output-check", version: "1.0.0" });
await client.connect(new StdioClientTransport({ command, args, stderr: "ignore" }));
const { tools } = await client.listTools();
const ids = {};
const fill = (value) => JSON.parse(JSON.stringify(value).replace(/"\$(job_id|run_id)"/g, (_, key) => JSON.stringify(ids[key])));
const report = { checked: [], missing: [], bytes: {} };

for (const call of calls) {
  const tool = tools.find((t) => t.name === call.tool);
  if (!tool) throw new Error(`the server has no tool ${call.tool}`);
  const result = await client.callTool({ name: call.tool, arguments: fill(call.arguments) }, undefined, { timeout: 600_000 });
  if (result.isError) throw new Error(`${call.tool} answered an error: ${JSON.stringify(result.content)}`);
  if (tool.outputSchema && !result.structuredContent) throw new Error(`${call.tool} has an outputSchema but no structured content`);
  ids.job_id ??= result.structuredContent?.job_id;
  ids.run_id ??= result.structuredContent?.run_id;
  report.checked.push(call.tool);
  report.bytes[call.tool] = JSON.stringify(result.structuredContent).length;
}
report.missing = tools.map((t) => t.name).filter((name) => !report.checked.includes(name));
await client.close();
process.stdout.write(JSON.stringify(report) + "\n");

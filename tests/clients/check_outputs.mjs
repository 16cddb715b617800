// A TypeScript SDK client: calls every tool once over stdio and lets the SDK check each
// structured result against the tool's outputSchema (it throws when they disagree). It also
// measures what an agent pays: the tools/list and each answer (structured content + text).
// Usage: node check_outputs.mjs CALLS.json -- SERVER_COMMAND [ARGS...]
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [callsFile, separator, command, ...args] = process.argv.slice(2);
if (separator !== "--" || !command) throw new Error("usage: check_outputs.mjs CALLS.json -- COMMAND [ARGS...]");
const calls = JSON.parse(readFileSync(callsFile, "utf8"));

const client = new Client({ name: "ml-expert-output-check", version: "1.0.0" });
await client.connect(new StdioClientTransport({ command, args, stderr: "ignore" }));
const listed = await client.listTools();
const { tools } = listed;
// "$job_id" / "$run_id": the first seen; "$run_id:TOOL": the run of the last call to TOOL;
// "$runs:TOOL": the runs of every call to TOOL so far.
const ids = {};
const runs = {};
const fill = (value) => JSON.parse(JSON.stringify(value)
  .replace(/"\$runs:(\w+)"/g, (_, tool) => JSON.stringify(runs[tool]))
  .replace(/"\$run_id:(\w+)"/g, (_, tool) => JSON.stringify(runs[tool]?.at(-1)))
  .replace(/"\$(job_id|run_id)"/g, (_, key) => JSON.stringify(ids[key])));
const report = { checked: [], missing: [], list_bytes: JSON.stringify(listed).length, bytes: {}, text_bytes: {},
                 answer_bytes: {}, text_is_json: [], links: {} };

for (const call of calls) {
  const tool = tools.find((t) => t.name === call.tool);
  if (!tool) throw new Error(`the server has no tool ${call.tool}`);
  const result = await client.callTool({ name: call.tool, arguments: fill(call.arguments) }, undefined, { timeout: 600_000 });
  if (result.isError) throw new Error(`${call.tool} answered an error: ${JSON.stringify(result.content)}`);
  if (tool.outputSchema && !result.structuredContent) throw new Error(`${call.tool} has an outputSchema but no structured content`);
  const structured = result.structuredContent ?? {};
  ids.job_id ??= structured.job_id;
  ids.run_id ??= structured.run_id;
  if (structured.run_id) (runs[call.tool] ??= []).push(structured.run_id);
  const text = result.content.filter((block) => block.type === "text").map((block) => block.text).join("\n");
  try { JSON.parse(text); report.text_is_json.push(call.tool); } catch { /* a summary, as it should be */ }
  const links = result.content.filter((block) => block.type === "resource_link");
  report.links[call.tool] = links.map((link) => [link.name, link.mimeType]);
  report.checked.push(call.tool);
  report.bytes[call.tool] = JSON.stringify(structured).length;
  report.text_bytes[call.tool] = text.length;
  report.answer_bytes[call.tool] = JSON.stringify(result).length;
}
report.missing = tools.map((t) => t.name).filter((name) => !report.checked.includes(name));
await client.close();
process.stdout.write(JSON.stringify(report) + "\n");

// An independent MCP client (the official TypeScript SDK) for schedcp's MCP server: lists the tools, then round-trips
// workload create -> run_scheduler -> get_execution_status -> stop_scheduler -> add_history -> get_history.
// Usage: node client.mjs JAVA CLASSPATH STATE_DIR SCHEDULERS_DIR ; prints one JSON object on stdout.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [java, classpath, state, schedulers] = process.argv.slice(2);
const transport = new StdioClientTransport({
  command: java,
  args: ["-cp", classpath, "io.keelson.schedcp.mcp.SchedCpMcpServer", state, schedulers],
  stderr: "inherit",
});
const client = new Client({ name: "independent-node-client", version: "1.0.0" });
await client.connect(transport);

async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content[0].text;
  if (r.isError) {
    throw new Error(`${name} refused: ${text}`);
  }
  return JSON.parse(text);
}

const tools = (await client.listTools()).tools.map((t) => t.name).sort();
const workload = await call("workload", { command: "create", description: "batch 39+1" });
const run = await call("run_scheduler", { name: "scx_simple", args: ["-f"] });
let status;
for (let i = 0; i < 100; i++) {
  status = await call("get_execution_status", { execution_id: run.execution_id });
  if (status.output.includes("attached")) break;
  await new Promise((r) => setTimeout(r, 50));
}
const stopped = await call("stop_scheduler", { execution_id: run.execution_id });
await call("workload", { command: "add_history", workload_id: workload.workload_id, execution_id: run.execution_id,
  result_description: "makespan 25 s against 29 s" });
const history = await call("workload", { command: "get_history", workload_id: workload.workload_id });
let refused = null;
try {
  await call("run_scheduler", { name: 7 });
} catch (e) {
  refused = e.message;
}
console.log(JSON.stringify({ tools, run, status, stopped, history, refused }));
await client.close();
